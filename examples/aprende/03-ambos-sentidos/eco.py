# Un servidor de eco: devuelve cada byte que recibe. Cuando el cliente termina de enviar (FIN), recv
# devuelve b'' y el servidor cierra también. Un hilo por cliente, como en la lección 2.
# Ejecútalo: python3 examples/aprende/03-ambos-sentidos/eco.py [puerto]
import os
import socket
import sys
import threading

TEXTOS = {
    'es': {'escuchando': 'Escuchando en 127.0.0.1:{}', 'fin': '{}: terminó de enviar (FIN) tras {} bytes; cierro yo también'},
    'en': {'escuchando': 'Listening on 127.0.0.1:{}', 'fin': '{}: finished sending (FIN) after {} bytes; I close too'},
}
texto = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))


def eco(conn, addr):
    total = 0
    while True:
        datos = conn.recv(1024)
        if not datos:  # b'': el cliente hizo shutdown(SHUT_WR) o close()
            break
        total += len(datos)
        conn.sendall(datos)
    print(texto['fin'].format(addr, total))
    conn.close()


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', puerto))
server.listen()
print(texto['escuchando'].format(server.getsockname()[1]))
while True:
    conn, addr = server.accept()
    print(f'Conexion establecida desde {addr}')
    threading.Thread(target=eco, args=(conn, addr), daemon=True).start()
