# cliente.py con TLS: comprueba que el servidor es quien dice ser antes de leer nada.
# Uso: python3 cliente_tls.py [CARPETA] [PUERTO]   (confía en CARPETA/ca.pem, por defecto certs/ca.pem;
#      con CARPETA "-" solo confía en las CA del sistema; PUERTO 5000 o la variable PORT)
import os
import socket
import ssl
import sys

TEXTOS = {
    'es': {
        'cifrado': 'Cifrado: {version}, {cifra}',
        'no_confio': 'Error: no confío en el certificado del servidor ({motivo}). '
                     'Dime en qué CA confiar: python3 cliente_tls.py certs',
    },
    'en': {
        'cifrado': 'Encrypted: {version}, {cifra}',
        'no_confio': 'Error: I do not trust the server\'s certificate ({motivo}). '
                     'Tell me which CA to trust: python3 cliente_tls.py certs',
    },
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
carpeta = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else 'certs'
puerto = int(sys.argv[2] if len(sys.argv) > 2 else os.environ.get('PORT', 5000))
host = '127.0.0.1'

# Comprueba la firma del certificado (con nuestra CA de desarrollo) y que sea para este host.
if carpeta == '-':
    contexto = ssl.create_default_context()
else:
    contexto = ssl.create_default_context(cafile=os.path.join(carpeta, 'ca.pem'))

client = socket.create_connection((host, puerto))
try:
    tls = contexto.wrap_socket(client, server_hostname=host)
except ssl.SSLCertVerificationError as error:
    print(T['no_confio'].format(motivo=error.verify_message), file=sys.stderr)
    sys.exit(1)
print(T['cifrado'].format(version=tls.version(), cifra=tls.cipher()[0]))
partes = []
while True:
    parte = tls.recv(1024)
    if not parte:
        break
    partes.append(parte)
tls.close()
print(f'Mensaje del servidor: {b"".join(partes).decode()}')
