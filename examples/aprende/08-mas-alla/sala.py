# Lo mismo que publicar_suscribir.ts, pero como una persona con nc: en Python no hay biblioteca de
# enchufe, y no hace falta. Las salas son temas: quien esté en la sala sensores.cocina lee lo que los
# programas publican en ese tema. Uso: python3 sala.py [PUERTO] [MENSAJES]   (PUERTO 5000 o la variable
# PORT; termina tras MENSAJES mensajes, 2 por defecto)
import os
import socket
import sys

TEXTOS = {
    'es': {'dentro': 'en la sala sensores.cocina; esperando {n} mensajes'},
    'en': {'dentro': 'in room sensores.cocina; waiting for {n} messages'},
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))
esperados = int(sys.argv[2] if len(sys.argv) > 2 else 2)

client = socket.create_connection(('127.0.0.1', puerto))
lineas = client.makefile('r', encoding='utf-8', newline='\n')  # el protocolo de texto va por líneas
lineas.readline()  # el saludo
client.sendall(b'/nick lectora\n/join sensores.cocina\n')
confirmadas = 0
while confirmadas < 2:  # el servidor confirma cada orden con una línea que empieza por '* '
    if lineas.readline().startswith('* '):
        confirmadas += 1
print(T['dentro'].format(n=esperados), flush=True)

recibidos = 0
while recibidos < esperados:
    linea = lineas.readline()
    if not linea:
        break  # el servidor cerró
    if linea.startswith('[sensores.cocina]'):
        print(linea, end='', flush=True)
        recibidos += 1
client.sendall(b'/quit\n')
client.close()
