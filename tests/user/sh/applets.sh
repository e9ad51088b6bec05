# busybox text applets on a generated data file: hashes, awk, sed, sort,
# uniq, wc, cut, tr, head/tail, grep, xargs, date, expr, seq and friends.
# Run by test-busybox.sh; the output must be the same under polyvm and
# qemu-riscv64. The data is a fixed function of the line number.

seq 1 800 | awk '{ printf "%05d %s %d %s\n", ($1 * 7919) % 10007, substr("abcdefghijkl", $1 % 10 + 1, 3), $1 % 13, ($1 % 4 ? "even" : "odd") }' >data

echo "== sizes and hashes"
wc data
wc -l <data
sha256sum data
md5sum data
sha1sum data
sha512sum data | cut -c 1-32
sha3sum data | cut -c 1-32
cksum data
base64 data | md5sum
base64 data | base64 -d | cmp - data && echo "base64 round trip"

echo "== sort and uniq"
sort data | head -n 3
sort -k3,3n -k1,1r data | tail -n 3
sort -u -k3,3 data | wc -l
sort -t' ' -k2,2 -s data | head -n 2
cut -d' ' -f2 data | sort | uniq -c | sort -k1,1nr -k2 | head -n 4
cut -d' ' -f4 data | sort | uniq -d
sort -n -r data | head -n 1

echo "== awk"
awk '{ s += $3 } END { print s, NR, s / NR }' data
awk '$3 == 7 { c++ } END { print c }' data
awk -F' ' '{ a[$2]++ } END { n = 0; for (k in a) n++; print n }' data
awk 'NR % 500 == 0 { printf "%d:%s:%.3f\n", NR, toupper($2), $1 / 7 }' data
awk 'BEGIN { x = 1; for (i = 0; i < 40; i++) x = x * 3 % 1000003; print x, int(-3.7), 2 * 512, substr("polyvm", 2, 3), index("abc", "c") }'
awk 'BEGIN { printf "%s %d %5.2f %e\n", "fmt", 42, 3.14159, 12345.678 }'
echo "a,b;c" | awk -F'[,;]' '{ print $3 $2 $1, NF }'

echo "== sed"
sed -n '10,12p' data
sed 's/a/A/g; /bcd/d' data | md5sum
sed -e '1i\
header' -e '$a\
footer' data | sed -n '1p;$p'
sed -E 's/([0-9]+) ([a-z]+)/\2=\1/' data | head -n 2
echo "hello world" | sed 's/\(hello\) \(world\)/\2 \1/'
printf 'x\ny\nz\n' | sed -n '$='

echo "== cut, tr, head, tail, grep"
cut -c 1-5,7- data | tail -n 1
cut -d' ' -f1,3 data | head -n 2
tr 'a-j' 'A-J' <data | tail -n 2
tr -d '0' <data | head -n 2
echo "aaa   bbb" | tr -s ' a'
head -c 20 data; echo
head -n 2 data
tail -n 3 data
tail -c 10 data
tail -n +799 data
grep -c abc data
grep -n '^0000' data | head -n 3
grep -v abc data | wc -l
grep -E 'b(c|d)e' data | head -n 2
grep -w odd data | wc -l
grep -q zzz data; echo "grep -q status $?"

echo "== xargs, seq, expr, date"
seq 5 | xargs echo
seq 10 | xargs -n 3 echo
printf 'a b\nc\n' | xargs -I{} echo "<{}>"
seq 3 -1 0
seq -s, 1 5
seq 0 0.5 2
seq -w 8 11
expr 6 \* 7
expr length hello
expr 10 % 3
expr abc : 'a\(.\)'
expr 5 \> 3
expr 0 + 0; echo "expr status $?"
date -d @0 -u
date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S %A %j %s'
date -u -d '2024-02-29 12:00:00' '+%s %u'

echo "== other text applets"
printf '%5.2f|%-4s|%x|%o|%c\n' 3.14159 ab 255 8 zebra
od -A x -t x1 -N 16 data
hexdump -C -n 16 data
tac data | head -n 1
rev data | head -n 1
nl data | tail -n 1
fold -w 7 data | head -n 2
paste -d, - - <data | head -n 2
factor 1234567 4294967297
head -n 100 data >a
sed 5d a >b
diff a b; echo "diff status $?"
cmp a b; echo "cmp status $?"
echo END
