#!/usr/bin/env bash
# Dos "máquinas" en tu Linux: dos espacios de red (network namespaces) unidos por un cable virtual
# (veth), con direcciones de red local. Prueba en ellas a qué dirección hay que escuchar, y un cortafuegos.
# Uso (como root): bash dos_maquinas.sh [py|ts]      Los borra al terminar, también con Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")"
lenguaje=${1:-py}
puerto=${PORT:-5000}
a=aprende-a-$$ b=aprende-b-$$
if [ "$lenguaje" = ts ]; then ejecutar=(node --import tsx) ext=ts; else ejecutar=(python3) ext=py; fi
if [ "${ENCHUFE_LANG:-es}" = en ]; then
  titulos=("A listens on 127.0.0.1, B connects to 10.0.5.1" "A listens on 0.0.0.0" "A listens on 10.0.5.1, its LAN address"
    "A listens on ::, B connects over IPv4" "A listens on ::, B connects over IPv6" "A's firewall drops port $puerto"
    "A's firewall rejects port $puerto")
else
  titulos=("A escucha en 127.0.0.1, B conecta a 10.0.5.1" "A escucha en 0.0.0.0" "A escucha en 10.0.5.1, su dirección de red local"
    "A escucha en ::, B conecta por IPv4" "A escucha en ::, B conecta por IPv6" "El cortafuegos de A descarta el puerto $puerto"
    "El cortafuegos de A rechaza el puerto $puerto")
fi
salida=$(mktemp -d)
servidor=""

limpiar() {
  [ -n "$servidor" ] && kill "$servidor" 2>/dev/null
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
  rm -rf "$salida"
}
trap limpiar EXIT
trap 'exit 130' INT TERM

# Las dos máquinas y el cable: eth0 en A (10.0.5.1, fd00:5::1) y eth0 en B (10.0.5.2, fd00:5::2).
ip netns add "$a"
ip netns add "$b"
ip link add eth0 netns "$a" type veth peer name eth0 netns "$b"
ip -n "$a" addr add 10.0.5.1/24 dev eth0
ip -n "$b" addr add 10.0.5.2/24 dev eth0
ip -n "$a" addr add fd00:5::1/64 dev eth0 nodad
ip -n "$b" addr add fd00:5::2/64 dev eth0 nodad
for m in "$a" "$b"; do ip -n "$m" link set lo up; ip -n "$m" link set eth0 up; done

# Un experimento: el servidor en A escucha en $1, el cliente en B conecta a $2; se ve lo que dice cada uno.
experimento() {
  echo "== $1"
  # Vaciado aquí, antes de lanzar el servidor: si lo vaciara solo la redirección del proceso en segundo
  # plano, la espera de abajo podría leer todavía lo del experimento anterior.
  : >"$salida/a"
  ip netns exec "$a" "${ejecutar[@]}" "servidor_direccion.$ext" "$2" "$puerto" >"$salida/a" 2>&1 &
  servidor=$!
  until grep -q . "$salida/a" 2>/dev/null; do sleep 0.05; done
  ip netns exec "$b" env TIMEOUT=1 "${ejecutar[@]}" "../04-errores-robustos/cliente_robusto.$ext" "$puerto" "$3" \
    >"$salida/b" 2>&1 || true
  kill "$servidor" 2>/dev/null || true
  wait "$servidor" 2>/dev/null || true
  servidor=""
  sed 's/^/A| /' "$salida/a"
  sed 's/^/B| /' "$salida/b"
}

experimento "${titulos[0]}" 127.0.0.1 10.0.5.1
experimento "${titulos[1]}" 0.0.0.0 10.0.5.1
experimento "${titulos[2]}" 10.0.5.1 10.0.5.1
experimento "${titulos[3]}" :: 10.0.5.1
experimento "${titulos[4]}" :: fd00:5::1

# Un cortafuegos en A (nftables): primero descarta los paquetes al puerto en silencio, luego los rechaza.
ip netns exec "$a" nft add table inet cortafuegos
ip netns exec "$a" nft add chain inet cortafuegos entrada '{ type filter hook input priority 0; policy accept; }'
ip netns exec "$a" nft add rule inet cortafuegos entrada tcp dport "$puerto" drop
experimento "${titulos[5]}" 0.0.0.0 10.0.5.1
ip netns exec "$a" nft flush chain inet cortafuegos entrada
ip netns exec "$a" nft add rule inet cortafuegos entrada tcp dport "$puerto" reject with tcp reset
experimento "${titulos[6]}" 0.0.0.0 10.0.5.1
