#!/usr/bin/env bash
# Debian's riscv64 sqlite3 (dynamic, from the guest kit's sysroot) under
# polyvm, on a database file: a table filled with 1000 rows in one
# transaction, an index, aggregate and grouped queries, an update and a
# rolled-back delete, an integrity check. Oracles: qemu-riscv64 running the
# same binary and script (whole output equal); values computed here with
# awk (count, sums, extremes, per-group sums); and the database file
# polyvm wrote, read back by qemu-riscv64's sqlite3 (and by the host's
# sqlite3 when installed).
# Usage: test-sqlite.sh PATH-TO-POLYVM
set -u
. "$(dirname "$0")/lib.sh"
uk_init "$1"
uk_need_qemu
uk_need_kit POLYVM_RV64_SYSROOT POLYVM_RV64_SQLITE3
sysroot=$POLYVM_RV64_SYSROOT
sqlite=$POLYVM_RV64_SQLITE3

# Row i: k = i % 7, v = (i*i*31 + 7) % 1009, s = 'name' || i.
rows() { awk 'BEGIN { for (i = 1; i <= 1000; i++) print i, i % 7, (i * i * 31 + 7) % 1009 }'; }
{
    echo "CREATE TABLE t(i INTEGER PRIMARY KEY, k INTEGER NOT NULL, v INTEGER NOT NULL, s TEXT);"
    echo "BEGIN;"
    rows | awk '{ printf "INSERT INTO t VALUES(%d, %d, %d, '"'"'name%d'"'"');\n", $1, $2, $3, $1 }'
    echo "COMMIT;"
    cat <<'SQL'
CREATE INDEX t_v ON t(v);
SELECT 'count', count(*) FROM t;
SELECT 'sum', sum(v) FROM t;
SELECT 'minmax', min(v), max(v) FROM t;
SELECT 'group', k, count(*), sum(v) FROM t GROUP BY k ORDER BY k;
SELECT 'avg', printf('%.4f', avg(v)) FROM t;
SELECT 'top', i, v FROM t ORDER BY v DESC, i LIMIT 3;
SELECT 'range', count(*) FROM t WHERE v BETWEEN 100 AND 200;
SELECT 'text', length(group_concat(s, ',')), upper(substr(max(s), 1, 6)) FROM t;
SELECT 'join', count(*) FROM t a JOIN t b ON a.v = b.v AND a.i < b.i;
SELECT 'case', sum(CASE WHEN v % 2 = 0 THEN 1 ELSE 0 END) FROM t;
BEGIN;
UPDATE t SET v = v + 1 WHERE k = 3;
COMMIT;
SELECT 'updated', sum(v) FROM t;
BEGIN;
DELETE FROM t WHERE i > 10;
SELECT 'inside', count(*) FROM t;
ROLLBACK;
SELECT 'rolled back', count(*) FROM t;
PRAGMA integrity_check;
SQL
} >"$TMP/script.sql"

for runner in qemu polyvm; do
    mkdir "$TMP/$runner-db"
    (cd "$TMP/$runner-db" &&
        uk_run "$runner" -L "$sysroot" "$sqlite" -batch -bail test.db) <"$TMP/script.sql" \
        >"$TMP/$runner.out" 2>"$TMP/$runner.err"
    echo "status $?" >>"$TMP/$runner.out"
done
uk_same "sqlite3 output (polyvm vs qemu-riscv64)" "$TMP/qemu.out" "$TMP/polyvm.out" "$TMP/polyvm.err"
uk_same "sqlite3 messages" "$TMP/qemu.err" "$TMP/polyvm.err"

# Values computed independently of sqlite.
rows | awk '
    { n++; s += $3; if (n == 1 || $3 < lo) lo = $3; if ($3 > hi) hi = $3; gc[$2]++; gs[$2] += $3
      if ($2 == 3) upd++ }
    END { print "count|" n; print "sum|" s; print "minmax|" lo "|" hi
          for (k = 0; k < 7; k++) print "group|" k "|" gc[k] "|" gs[k]
          print "updated|" s + upd; print "inside|10"; print "rolled back|" n; print "ok"; print "status 0" }' \
    >"$TMP/want"
grep -E '^(count|sum|minmax|group|updated|inside|rolled back)\||^ok$|^status ' "$TMP/qemu.out" >"$TMP/qemu.key"
uk_same "qemu-riscv64's sqlite3 against values computed with awk" "$TMP/want" "$TMP/qemu.key"

# The file polyvm's sqlite3 wrote, read by other sqlite3 builds.
check="SELECT count(*), sum(v) FROM t; PRAGMA integrity_check;"
want_check="1000|$(awk -F'|' '$1 == "updated" { print $2 }' "$TMP/want")"$'\n'"ok"
got=$(uk_run qemu -L "$sysroot" "$sqlite" -batch "$TMP/polyvm-db/test.db" "$check" 2>&1)
uk_eq "qemu-riscv64's sqlite3 reads polyvm's database" "$want_check" "$got"
if command -v sqlite3 >/dev/null; then
    uk_eq "the host's sqlite3 reads polyvm's database" "$want_check" \
        "$(sqlite3 -batch "$TMP/polyvm-db/test.db" "$check" 2>&1)"
fi
uk_done
