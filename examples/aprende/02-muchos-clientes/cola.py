# Qué significa listen(1): el tamaño de la cola de conexiones que el sistema ya aceptó y que tu
# programa todavía no ha sacado con accept(). Aquí nadie llama a accept(): la cola se llena.
# Ejecútalo: python3 examples/aprende/02-muchos-clientes/cola.py [puerto]
import os
import socket
import sys

TEXTOS = {
    'es': {
        'cola': 'listen(1) y nadie llama a accept()',
        'dentro': 'cliente {}: conectado (espera en la cola)',
        'fuera': 'cliente {}: sin respuesta en 0,5 s (la cola está llena)',
    },
    'en': {
        'cola': 'listen(1) and nobody calls accept()',
        'dentro': 'client {}: connected (waiting in the queue)',
        'fuera': 'client {}: no answer within 0.5 s (the queue is full)',
    },
}
texto = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', puerto))
server.listen(1)
print(texto['cola'])

clientes = []
for numero in range(1, 5):
    # Uno tras otro, para que cada conexión termine de entrar antes de intentar la siguiente.
    try:
        clientes.append(socket.create_connection(server.getsockname(), timeout=0.5))
        print(texto['dentro'].format(numero))
    except socket.timeout:
        print(texto['fuera'].format(numero))
for cliente in clientes:
    cliente.close()
server.close()
