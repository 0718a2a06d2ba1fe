#!/bin/sh
# Turn a file into a C string, so a lone binary carries it:
#   embed.sh NAME FILE > out.c
set -eu
name=$1
file=$2
printf '/* Generated from %s by tools/embed.sh: do not edit. */\n' "$file"
printf 'const char %s[] = {\n' "$name"
od -An -v -tx1 "$file" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
printf '\t0x00\n};\n'
