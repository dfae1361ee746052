/* replay.c — a main for the libFuzzer harnesses in a build without libFuzzer: feeds every
 * file of the given directories (and any file given by name), in name order, to
 * LLVMFuzzerTestOneInput, after LLVMFuzzerInitialize if the harness has one. This is how the
 * seed corpus and every crash kept in tests/fuzz/regressions/ run as ordinary unit tests
 * (tests/fuzz/meson.build), under gcc and under ASan. A harness signals a broken invariant by
 * aborting; a path that cannot be read, or nothing to replay at all, fails too — except the
 * paths after "--optional", which may be missing (a harness with no regression yet). */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  unsigned char *data = malloc(cap);
  size_t n;
  while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      unsigned char *more = realloc(data, cap * 2);
      if (!more) {
        free(data);
        data = NULL;
        break;
      }
      data = more;
      cap *= 2;
    }
  }
  bool failed = ferror(f) || !data;
  fclose(f);
  if (failed) {
    free(data);
    fprintf(stderr, "replay: cannot read %s\n", path);
    return -1;
  }
  /* An exact-size copy, so that ASan sees a read past the end of the input. */
  unsigned char *exact = malloc(len ? len : 1);
  if (!exact)
    return -1;
  memcpy(exact, data, len);
  free(data);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 1;
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  int total = 0;
  bool optional = false;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (strcmp(argv[i], "--optional") == 0) {
      optional = true;
      continue;
    }
    if (stat(argv[i], &st) != 0) {
      if (optional)
        continue;
      fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (replay_file(argv[i]) < 0)
        return 1;
      total++;
      continue;
    }
    struct dirent **names = NULL;
    int n = scandir(argv[i], &names, NULL, alphasort);
    if (n < 0) {
      fprintf(stderr, "replay: cannot list %s\n", argv[i]);
      return 1;
    }
    int count = 0;
    for (int k = 0; k < n; k++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
      struct stat fs;
      if (names[k]->d_name[0] != '.' && stat(path, &fs) == 0 && S_ISREG(fs.st_mode)) {
        if (replay_file(path) < 0)
          return 1;
        count++;
      }
      free(names[k]);
    }
    free(names);
    printf("replay: %d files of %s\n", count, argv[i]);
    total += count;
  }
  if (total == 0) {
    fprintf(stderr, "replay: nothing to replay\n");
    return 1;
  }
  printf("replay: %d inputs, no invariant broken\n", total);
  return 0;
}
