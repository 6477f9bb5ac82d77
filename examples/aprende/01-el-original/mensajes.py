# Por qué recv(1024) no es "un mensaje": TCP lleva un flujo de bytes, no mensajes sueltos.
# Emisor y receptor viven en este mismo programa para que el resultado sea siempre el mismo.
# Ejecútalo: python3 examples/aprende/01-el-original/mensajes.py [puerto]
import os
import socket
import sys

TEXTOS = {
    'es': {
        'dos': 'El emisor hace 2 sendall: {!r} y {!r}',
        'uno': 'El receptor hace 1 recv(1024) y recibe {} bytes: {!r}',
        'grande': 'El emisor hace 1 sendall de {} bytes y cierra',
        'trozo': 'recv(32) -> {} bytes',
        'fin': 'recv(32) -> 0 bytes: el emisor cerró su lado (FIN)',
    },
    'en': {
        'dos': 'The sender makes 2 sendall calls: {!r} and {!r}',
        'uno': 'The receiver makes 1 recv(1024) call and gets {} bytes: {!r}',
        'grande': 'The sender makes 1 sendall call of {} bytes and closes',
        'trozo': 'recv(32) -> {} bytes',
        'fin': 'recv(32) -> 0 bytes: the sender closed its side (FIN)',
    },
}
texto = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', puerto))
server.listen(1)
emisor = socket.create_connection(server.getsockname())
receptor, addr = server.accept()

# 1. Dos envíos, una recepción: los bytes de los dos sendall esperan juntos en el receptor.
emisor.sendall(b'hola\n')
emisor.sendall(b'que tal?\n')
print(texto['dos'].format(b'hola\n', b'que tal?\n'))
datos = receptor.recv(1024)
print(texto['uno'].format(len(datos), datos))

# 2. Un envío, varias recepciones: recv(32) devuelve como mucho 32 bytes de lo que haya llegado.
saludo = b'Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!'
emisor.sendall(saludo)
emisor.close()
print(texto['grande'].format(len(saludo)))
while True:
    trozo = receptor.recv(32)
    if not trozo:
        print(texto['fin'])
        break
    print(texto['trozo'].format(len(trozo)))
receptor.close()
server.close()
