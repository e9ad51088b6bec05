# A file-system round trip with busybox applets in an empty directory:
# mkdir -p, touch, cp, mv, ln (-s), readlink, realpath, chmod, umask,
# stat -c, ls -l, find, dd, truncate, mkfifo, rm -r, du, df. Run by
# test-busybox.sh; the output must be the same under polyvm and
# qemu-riscv64 (times are fixed with touch -d; paths printed are relative).

stamp() { touch -d '2020-01-02 03:04:05' "$@"; }

echo "== build a tree"
mkdir -p a/b/c
touch a/b/c/f1
echo data >a/f2
cp a/f2 a/b/f3
mv a/b/f3 a/b/c/f4
cp -r a/b a/copy
ln -s ../f2 a/b/l
ln a/f2 a/hard
readlink a/b/l
cat a/b/l
realpath a/b/l | sed "s|^$PWD/||"
chmod 751 a/b
chmod u=rw,go= a/b/c/f1
umask 027
touch a/masked
mkdir a/maskdir
umask 022
stamp a/b/c/f1 a/f2 a/b/c/f4 a/masked
stamp a/copy/c/f1 a/copy/c/f4 a/copy/c a/copy a/maskdir a/b/c a/b a
touch -h -d '2020-01-02 03:04:05' a/b/l

echo "== stat and ls"
stat -c '%n %a %F %s %h' a/b a/f2 a/hard a/b/l a/masked a/maskdir a/b/c/f1
stat -c '%n %Y %y' a/f2 a/b
ls -l a | sed 's/^total .*/total/'
ls -lR a/b | sed 's/^total .*/total/'
ls -1 a/copy/c
ls -ld a/maskdir | cut -c 1-10

echo "== find"
find a | sort
echo "-- files"
find a -type f | sort
echo "-- links, perm, name+size, newer"
find a -type l
find a -perm 751
find a -name 'f*' -size -1k | sort
touch a/b/c/f4
find a -newer a/b/c/f1 | sort
find a -type f | sort | while read -r f; do echo "$f $(wc -c <"$f")"; done
find a -maxdepth 1 -type d | sort

echo "== sizes"
dd if=/dev/zero of=z bs=1024 count=100 2>/dev/null
wc -c <z
truncate -s 10 z
wc -c <z
truncate -s 1M z
stat -c '%s' z
du -s a >/dev/null && echo "du works"
df . >/dev/null && echo "df works"

echo "== fifo"
mkfifo fifo
ls -l fifo | cut -c 1
(echo "through the fifo" >fifo) &
cat fifo
wait

echo "== rename over, remove"
echo new >a/new
mv -f a/new a/f2
cat a/hard a/f2
cd a/b
pwd | sed "s|^$OLDPWD/||"
cd ../..
rm a/b/l
rm -r a/b
ls a
rm -rf a
ls
echo END
