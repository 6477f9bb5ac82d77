# Un cliente para hablar en los dos sentidos: lo que escribes (cada línea) va al servidor y lo que llega
# se imprime. Al terminar tu entrada (Ctrl+D, o el final de un printf) hace shutdown(SHUT_WR): envía FIN
# pero sigue leyendo hasta que el otro lado cierre también.
# Ejecútalo: python3 examples/aprende/03-ambos-sentidos/cliente.py [puerto]
import os
import socket
import sys
import threading

FIN = {'es': '(el otro lado cerró: fin)', 'en': '(the other side closed: the end)'}
idioma = 'en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es'
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))

client = socket.create_connection(('127.0.0.1', puerto))


def enviar():
    # En su propio hilo, para poder leer del teclado y del socket a la vez.
    for linea in sys.stdin.buffer:
        client.sendall(linea)
    client.shutdown(socket.SHUT_WR)  # FIN: "no voy a enviar más", pero aún puedo recibir


threading.Thread(target=enviar, daemon=True).start()
while True:
    datos = client.recv(1024)
    if not datos:
        break
    sys.stdout.write(datos.decode('utf-8', errors='replace'))
    sys.stdout.flush()
print(FIN[idioma])
client.close()
