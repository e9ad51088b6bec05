# busybox sh language: pipelines, redirections, here-documents, subshells,
# command substitution, loops, functions, exit statuses, traps, background
# jobs and wait. Run by test-busybox.sh in an empty directory; the output
# must be the same under polyvm and qemu-riscv64 (no PIDs, no times).

echo "== pipelines"
echo "alpha beta gamma delta" | tr ' ' '\n' | sort -r | head -n 3
printf 'a\nb\nc\n' | while read -r l; do echo "line:$l"; done
seq 1 200 | grep 7 | wc -l
echo "pipe status"; false | true; echo $?
set -o pipefail; true | false | true; echo "pipefail $?"; set +o pipefail

echo "== redirections"
echo one >f
echo two >>f
cat <f
{ echo to-out; echo to-err >&2; } >both 2>&1
cat both
{ echo kept; echo dropped >&2; } 2>/dev/null
ls /nonexistent-pvtest 2>/dev/null
echo "ls status $?"
exec 3>fd3
echo "via fd 3" >&3
exec 3>&-
cat fd3
exec 4<f
read -r first <&4
exec 4<&-
echo "first=$first"
echo "noclobber"; set -C; (echo x >f) 2>/dev/null || echo "refused"; set +C
: >empty; wc -c <empty

echo "== here-documents"
cat <<EOF
expanded $((6 * 7)) $(echo substituted)
EOF
cat <<'EOF'
literal $HOME `date` $((1+1))
EOF
	cat <<-EOF
	leading tabs stripped
	EOF
tr a-z A-Z <<EOF
upper
EOF

echo "== subshells and substitution"
x=outer
(x=inner; echo "in $x")
echo "out $x"
echo "$(echo nested "$(echo deeper)")"
n=$(printf '%s\n' a b c | wc -l)
echo "lines=$n"
echo `echo backticks`
{ x=grouped; }
echo "group sets $x"

echo "== loops and case"
for i in 1 2 3; do printf '%s ' "$i"; done
echo
i=0
while [ $i -lt 6 ]; do
    i=$((i + 1))
    [ $i = 2 ] && continue
    [ $i = 5 ] && break
    echo "w$i"
done
until [ $i -le 0 ]; do i=$((i - 1)); done
echo "until $i"
for w in abc xyz 123 ""; do
    case $w in
        a*) echo "$w: starts with a" ;;
        [0-9]*) echo "$w: digit" ;;
        "") echo "empty" ;;
        *) echo "$w: other" ;;
    esac
done
for i in 1 2; do for j in a b; do printf '%s%s ' $i $j; done; done
echo

echo "== functions"
f() {
    local v=$1
    echo "f($v) argc=$#"
    return $(($1 % 4))
}
f 5 x y
echo "ret $?"
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi; }
fact 12
counter=0
bump() { counter=$((counter + 1)); }
bump; bump; bump
echo "counter $counter"

echo "== exit statuses"
true; echo $?
false; echo $?
sh -c 'exit 7'; echo "sh -c exit $?"
(exit 300); echo "wrapped $?"
! false; echo "negated $?"
false || echo "or-branch"
true && echo "and-branch"
sh -c 'kill -TERM $$'; echo "killed sh $?"
nosuchcommand-pvtest 2>/dev/null; echo "missing $?"

echo "== traps"
trap 'echo "trapped USR1"' USR1
kill -USR1 $$
echo "after trap"
trap - USR1
(trap 'echo "subshell exit trap"' EXIT; echo "in subshell")

echo "== background jobs"
(echo bg-one >bg1.out) &
p1=$!
(exit 5) &
p2=$!
wait $p1; echo "wait 1: $?"
wait $p2; echo "wait 2: $?"
cat bg1.out
sleep 0.1 &
sleep 0.1 &
wait
echo "all waited"
sleep 5 &
k=$!
kill $k
wait $k
echo "killed job: $?"
seq 1 3 | (while read -r n; do echo "bg-read $n"; done) &
wait $!
echo "jobs done"

echo "== arithmetic and parameters"
echo $((2 ** 10)) $((7 / 2)) $((-7 % 3)) $((1 << 40)) $((0x1f)) $((010)) $((3 > 2 && 1))
s=hello-world.tar.gz
echo ${#s} ${s%%.*} ${s%.*} ${s#*-} ${s##*.} ${s/o/0} ${unset_var:-default}
: ${assigned:=now}; echo "$assigned"
set -- a "b c" d
echo "argc $#"
for a in "$@"; do echo "[$a]"; done
shift; echo "after shift: $*"
IFS=: read -r u v w <<EOF
x:y:z
EOF
echo "$w$v$u"
printf '%s|%5s|%-5s|%03d|%x\n' str right left 7 255
echo END
