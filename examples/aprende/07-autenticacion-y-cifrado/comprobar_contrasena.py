# Cómo se comprueba una contraseña guardada con scrypt, sin guardar nunca la contraseña.
# Uso: python3 comprobar_contrasena.py USUARIOS.json NOMBRE CONTRASEÑA
import base64
import hashlib
import hmac
import json
import os
import sys

TEXTOS = {
    'es': {'bien': 'Contraseña correcta para {nombre}.', 'mal': 'Contraseña incorrecta para {nombre}.'},
    'en': {'bien': 'Correct password for {nombre}.', 'mal': 'Wrong password for {nombre}.'},
}
T = TEXTOS['en' if os.environ.get('ENCHUFE_LANG') == 'en' else 'es']
archivo, nombre, contrasena = sys.argv[1], sys.argv[2], sys.argv[3]

with open(archivo, encoding='utf-8') as f:
    guardada = json.load(f)['users'][nombre]['password']

# Se repite el mismo cálculo con la misma sal y los mismos parámetros, y se comparan los resultados.
calculada = hashlib.scrypt(
    contrasena.encode('utf-8'),
    salt=base64.b64decode(guardada['salt']),
    n=guardada['N'], r=guardada['r'], p=guardada['p'], dklen=guardada['keylen'],
)
# compare_digest tarda lo mismo acierte o falle: el tiempo no revela cuántos bytes coinciden.
if hmac.compare_digest(calculada, base64.b64decode(guardada['hash'])):
    print(T['bien'].format(nombre=nombre))
else:
    print(T['mal'].format(nombre=nombre))
    sys.exit(1)
