# Un chat para dos personas: espera a la primera, luego a la segunda, y pasa cada línea de una a la
# otra con su número delante. Cuando una termina de enviar (FIN), se lo pasa a la otra con
# shutdown(SHUT_WR); cuando las dos han terminado, cierra y acaba.
# Ejecútalo: python3 examples/aprende/03-ambos-sentidos/chat.py [puerto]
import os
import socket
import sys
import threading

TEXTOS = {
    'es': {
        'escuchando': 'Escuchando en 127.0.0.1:{}',
        'espera': '* eres la persona 1; esperando a la otra persona...\n',
        'dos': '* eres la persona {}; ya sois dos: escribe y pulsa Enter\n',
        'fin': 'la persona {} terminó de enviar (FIN); se lo paso a la persona {}',
        'cerrado': 'chat terminado',
    },
    'en': {
        'escuchando': 'Listening on 127.0.0.1:{}',
        'espera': '* you are person 1; waiting for the other person...\n',
        'dos': '* you are person {}; you are two now: type and press Enter\n',
        'fin': 'person {} finished sending (FIN); passing it on to person {}',
        'cerrado': 'chat over',
    },
}
texto = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))


def pasar(origen, destino, numero):
    for linea in origen.makefile('rb'):
        destino.sendall(f'[{numero}] '.encode() + linea)
    print(texto['fin'].format(numero, 3 - numero))
    destino.shutdown(socket.SHUT_WR)


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', puerto))
server.listen(2)
print(texto['escuchando'].format(server.getsockname()[1]))
uno, _ = server.accept()
uno.sendall(texto['espera'].encode())
dos, _ = server.accept()
for numero, conn in ((1, uno), (2, dos)):
    conn.sendall(texto['dos'].format(numero).encode())

hilos = [threading.Thread(target=pasar, args=(uno, dos, 1)), threading.Thread(target=pasar, args=(dos, uno, 2))]
for hilo in hilos:
    hilo.start()
for hilo in hilos:
    hilo.join()
uno.close()
dos.close()
print(texto['cerrado'])
