/* region.c — GB/T 2260 codes and grant coverage (SPEC A1: "按地区详细登记"; SPEC L: "Each
 * sees and changes only what its role and region allow"). */
#include "region.h"

#include <string.h>

bool region_code_valid(const char *s) {
  if (!s || strlen(s) != REGION_CODE_LEN)
    return false;
  for (int i = 0; i < REGION_CODE_LEN; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  if (strcmp(s, "000000") == 0)
    return true;
  if (strncmp(s, "00", 2) == 0)
    return false;
  /* A district under city 00 does not exist. */
  if (strncmp(s + 2, "00", 2) == 0 && strncmp(s + 4, "00", 2) != 0)
    return false;
  return true;
}

int region_level(const char *code) {
  if (strcmp(code, "000000") == 0)
    return 0;
  if (strcmp(code + 2, "0000") == 0)
    return 1;
  if (strcmp(code + 4, "00") == 0)
    return 2;
  return 3;
}

void region_prefix(const char *code, char out[REGION_CODE_LEN + 1]) {
  int len = region_level(code) * 2;
  memcpy(out, code, (size_t)len);
  out[len] = '\0';
}

void region_parent(const char *code, char out[REGION_CODE_LEN + 1]) {
  int level = region_level(code);
  if (level == 0) {
    out[0] = '\0';
    return;
  }
  memcpy(out, "000000", REGION_CODE_LEN + 1);
  memcpy(out, code, (size_t)(level - 1) * 2);
}

/* IMP: SPEC L — a grant covers every code below it. */
bool region_covers(const char *grant, const char *code) {
  char prefix[REGION_CODE_LEN + 1];
  region_prefix(grant, prefix);
  return strncmp(code, prefix, strlen(prefix)) == 0;
}

/* IMP: SPEC A1 — GB/T 2260 administrative divisions versus NBS statistical units. */
bool region_is_statistical(const char *code, const char *name) {
  int level = region_level(code);
  if (level == 2)
    return strcmp(name, "市辖区") == 0 || strcmp(name, "县") == 0 ||
           strcmp(name, "省直辖县级行政区划") == 0 || strcmp(name, "自治区直辖县级行政区划") == 0;
  if (level == 3)
    return code[4] == '7' && code[5] >= '1' && code[5] <= '9';
  return false;
}
