# servidor.py para muchos clientes a la vez, como propone el tutorial: un hilo por cliente.
# Sigue aceptando hasta que lo pares con Ctrl+C.
# Ejecútalo: python3 examples/aprende/02-muchos-clientes/servidor_hilos.py [puerto]
import os
import socket
import sys
import threading

ESCUCHANDO = {'es': 'Escuchando en 127.0.0.1:{}', 'en': 'Listening on 127.0.0.1:{}'}
idioma = 'en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es'
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))
SALUDO = b'Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!'


# print escribe el texto y el salto de línea por separado: dos hilos que imprimen a la vez pueden mezclar
# sus líneas. Con este cerrojo imprime un hilo cada vez.
imprimir = threading.Lock()


def atender(conn, addr):
    # Esto corre en su propio hilo: si tarda, los demás clientes no esperan.
    with imprimir:
        print(f'Conexion establecida desde {addr}')
    conn.sendall(SALUDO)
    conn.close()


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# Sin esto, al cerrar y volver a arrancar el servidor, bind falla durante un minuto (TIME_WAIT, lección 1).
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', puerto))
server.listen(128)
print(ESCUCHANDO[idioma].format(server.getsockname()[1]))
print('Servidor esperando conexion tenga paciencia...')

try:
    while True:
        conn, addr = server.accept()
        threading.Thread(target=atender, args=(conn, addr), daemon=True).start()
except KeyboardInterrupt:
    server.close()
