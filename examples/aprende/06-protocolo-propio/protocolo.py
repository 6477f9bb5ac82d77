# Un protocolo propio con prefijo de longitud: cada mensaje viaja como 4 bytes con su longitud
# (entero sin signo, big-endian) seguidos de los bytes del mensaje. Lo usan servidor.py y cliente.py.
import struct

MAXIMO = 1024 * 1024  # un mensaje más largo es un error: nunca reservamos memoria sin límite


def enviar(sock, datos):
    sock.sendall(struct.pack('>I', len(datos)) + datos)


def recibir_exacto(sock, n):
    # recv puede devolver menos de lo pedido (lección 1): se repite hasta tener n bytes.
    partes = []
    while n > 0:
        trozo = sock.recv(min(n, 65536))
        if not trozo:
            raise ConnectionError('el otro lado cerró a mitad de un mensaje')
        partes.append(trozo)
        n -= len(trozo)
    return b''.join(partes)


def recibir(sock):
    """Devuelve el siguiente mensaje, o None si el otro lado cerró entre dos mensajes."""
    primero = sock.recv(1)
    if not primero:
        return None
    (longitud,) = struct.unpack('>I', primero + recibir_exacto(sock, 3))
    if longitud > MAXIMO:
        raise ValueError(f'mensaje de {longitud} bytes: el máximo es {MAXIMO}')
    return recibir_exacto(sock, longitud)
