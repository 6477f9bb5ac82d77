# servidor.py del tutorial original, con dos cambios para las lecciones: el puerto sale de la línea
# de órdenes o de la variable PORT (5000 por defecto; 0 = uno libre) y dice en qué puerto escucha.
# Ejecútalo: python3 examples/aprende/01-el-original/servidor.py [puerto]
import os
import socket
import sys

ESCUCHANDO = {'es': 'Escuchando en 127.0.0.1:{}', 'en': 'Listening on 127.0.0.1:{}'}
idioma = 'en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es'
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', puerto))
server.listen(1)
print(ESCUCHANDO[idioma].format(server.getsockname()[1]))

print('Servidor esperando conexion tenga paciencia...')

conn, addr = server.accept()
print(f'Conexion establecida desde {addr}')

conn.sendall(b'Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!')
conn.close()
