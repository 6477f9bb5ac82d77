# Una carga pequeña: N clientes (200 por defecto, 1000 como mucho) se conectan a la vez, cada uno en su
# hilo, y leen el saludo hasta el primer salto de línea o hasta que el servidor cierre.
# Ejecútalo: python3 examples/aprende/02-muchos-clientes/carga.py [clientes] [puerto]
import os
import socket
import sys
import threading
import time

TEXTOS = {
    'es': {
        'inicio': '{} clientes a la vez contra 127.0.0.1:{}',
        'fin': 'saludos completos: {} de {}; el más lento tardó {} ms',
    },
    'en': {
        'inicio': '{} clients at once against 127.0.0.1:{}',
        'fin': 'complete greetings: {} of {}; the slowest took {} ms',
    },
}
texto = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
clientes = min(int(sys.argv[1]) if len(sys.argv) > 1 else 200, 1000)
puerto = int(sys.argv[2] if len(sys.argv) > 2 else os.environ.get('PORT', 5000))
SALUDO = b'Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!'
resultados = []  # (bien, milisegundos): list.append es seguro entre hilos


def cliente():
    inicio = time.monotonic()
    recibido = b''
    try:
        with socket.create_connection(('127.0.0.1', puerto), timeout=10) as sock:
            while b'\n' not in recibido:
                trozo = sock.recv(1024)
                if not trozo:
                    break
                recibido += trozo
    except OSError:
        pass
    resultados.append((recibido.split(b'\n')[0] == SALUDO, (time.monotonic() - inicio) * 1000))


print(texto['inicio'].format(clientes, puerto))
hilos = [threading.Thread(target=cliente) for _ in range(clientes)]
for hilo in hilos:
    hilo.start()
for hilo in hilos:
    hilo.join()
bien = sum(1 for ok, _ in resultados if ok)
print(texto['fin'].format(bien, clientes, round(max(ms for _, ms in resultados))))
