# cliente.py del tutorial original; solo cambia de dónde sale el puerto (la línea de órdenes o la
# variable PORT, 5000 por defecto). Ejecútalo: python3 examples/aprende/01-el-original/cliente.py [puerto]
import os
import socket
import sys

puerto = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PORT', 5000))

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(("127.0.1", puerto))

mensaje = client.recv(1024)
print(f'Mensaje del servidor: {mensaje.decode()}')
client.close()
