/*
 * A fake libnvidia-ml.so.1 for the node agent's integration tests. It answers the NVML entry points
 * the agent binds with the same C signatures and struct layouts as NVML (nvml.h, NVML API 13; layouts
 * as in the project's nvml-api reference), from a machine description file.
 *
 * Machine file: path from fake_nvml_set_machine() or the FAKE_NVML_MACHINE environment variable,
 * read at every nvmlInit_v2 that takes the reference count from 0 to 1. Line format:
 *   driver <version>
 *   init-error <nvmlReturn_t>                  nvmlInit_v2 fails with this code
 *   gpu <i> bus=<busId> pci=<0xDDDDVVVV> mem=<MiB> uuid=<uuid> name=<rest of line>
 *   gpu-numa <i> <node>                        nvmlDeviceGetNumaNodeId (else NOT_SUPPORTED)
 *   nvswitch <busId>...                        NV# cells run through these switches (else direct)
 *   nvlink-version <enum>                      nvmlNvlinkVersion_t of every link
 *   nvlink-down <i>                            GPU i's links exist but report DISABLED
 *   pcie <i> <j> <PIX|PXB|PHB|NODE|SYS>        PCIe class of a pair whose topo cell is NV# (else SYS)
 *   mig-mode <i> <0|1>                         MIG capable GPU and its current mode
 *   mig-profile sel=<s> id=<id> slices=<n> count=<n> mem=<MiB> placements=<start,...>:<size>
 *   mig-gi <i> id=<giId> profile=<id> start=<s> size=<n> mem=<MiB> uuid=<MIG-...>
 *   mig-refuse <i> <nvmlReturn_t>              GPU i answers its MIG mode, but every other MIG call
 *                                              (profiles, placements, GPU instances, MIG devices)
 *                                              fails with this code, as a driver refusing an
 *                                              unprivileged process (NO_PERMISSION = 4)
 *   fabric <i> <32 hex digits cluster uuid> <clique id>
 *   topo                                       the rest of the file is `nvidia-smi topo -m` output
 * Health file: path from fake_nvml_set_health() or the FAKE_NVML_HEALTH environment variable, read
 * again at every nvmlInit_v2 (nested ones included) and while nvmlEventSetWait(_v2) waits, so a test
 * changes a GPU's health by rewriting or appending to it:
 *   lost <i>                                   every call on GPU i's handle answers GPU_IS_LOST (15)
 *   nvlink-down <i>                            GPU i's links report DISABLED (as in the machine file)
 *   xid <i> <xid>                              one nvmlEventTypeXidCriticalError event on GPU i with
 *                                              that XID; each xid line is delivered once, in file
 *                                              order, to the first wait on a set GPU i is registered in
 *                                              (lines for GPUs registered nowhere are skipped)
 *
 * The topo block gives the GPU-GPU matrix (NV# = that many links to the peer or, with nvswitch, to
 * the switches), CPU Affinity (nvmlDeviceGetCpuAffinity) and NUMA Affinity
 * (nvmlDeviceGetMemoryAffinity).
 *
 * Built twice: as is (a current driver), and with -DFAKE_OLD_DRIVER, which leaves out the entry
 * points an old driver lacks so that the binding's missing-symbol handling is exercised.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;
enum {
  OK = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, NOT_SUPPORTED = 3, NOT_FOUND = 6,
  INSUFFICIENT_SIZE = 7, TIMEOUT = 10, GPU_IS_LOST = 15, UNKNOWN = 999
};

#define MAX_GPUS 16
#define MAX_LINKS 18
#define MAX_SWITCHES 8
#define MAX_PROFILES 18
#define MAX_GIS 8
#define CPU_WORDS 16
#define NODE_WORDS 4

typedef struct { char busIdLegacy[16]; unsigned domain, bus, device, pciDeviceId, pciSubSystemId; char busId[32]; } nvmlPciInfo_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned version; unsigned long long total, reserved, free, used; } nvmlMemory_v2_t;
typedef struct { unsigned id, isP2pSupported, sliceCount, instanceCount, multiprocessorCount, copyEngineCount,
                 decoderCount, encoderCount, jpegCount, ofaCount; unsigned long long memorySizeMB; } nvmlGpuInstanceProfileInfo_t;
typedef struct { unsigned version, id, isP2pSupported, sliceCount, instanceCount, multiprocessorCount, copyEngineCount,
                 decoderCount, encoderCount, jpegCount, ofaCount; unsigned long long memorySizeMB; char name[96]; } nvmlGpuInstanceProfileInfo_v2_t;
typedef struct { unsigned start, size; } nvmlGpuInstancePlacement_t;
typedef struct { void *device; unsigned id, profileId; nvmlGpuInstancePlacement_t placement; } nvmlGpuInstanceInfo_t;
typedef struct { unsigned char clusterUuid[16]; nvmlReturn_t status; unsigned cliqueId; unsigned char state; } nvmlGpuFabricInfo_t;
typedef struct { unsigned version; unsigned char clusterUuid[16]; nvmlReturn_t status; unsigned cliqueId; unsigned char state;
                 unsigned healthMask; unsigned char healthSummary; } nvmlGpuFabricInfo_v3_t;

enum { H_GPU = 1, H_MIG = 2, H_GI = 3 };
typedef struct { int kind, gpu, slot; } handle_t;

typedef struct { int sel, id, slices, count; unsigned long long mem; int starts[8], nstarts, size; } profile_t;
typedef struct { int id, profile, start, size; unsigned long long mem; char uuid[96]; } gi_t;

typedef struct {
  char bus[32], uuid[96], name[96];
  unsigned pciId;
  unsigned long long memMiB;
  int gpuNuma, migCapable, migMode, migRefuse, linksDown, nGi, hasFabric;
  int lost, healthLinksDown; /* from the health file */
  unsigned char clusterUuid[16];
  unsigned cliqueId;
  int nv[MAX_GPUS];       /* NV count towards each peer, 0 when the topo cell is a PCIe class */
  int pcie[MAX_GPUS];     /* nvmlGpuTopologyLevel_t towards each peer: topo cell, `pcie` line or SYS */
  unsigned long cpus[CPU_WORDS], nodes[NODE_WORDS];
  gi_t gi[MAX_GIS];
  handle_t self, migHandle[MAX_GIS], giHandle[MAX_GIS];
} gpu_t;

static struct {
  int refs, initError, nGpus, nSwitches, nvlinkVersion, nProfiles;
  char driver[80], switches[MAX_SWITCHES][32];
  gpu_t gpu[MAX_GPUS];
  profile_t profile[MAX_PROFILES];
} M;

static char machinePath[4096];
static char healthPath[4096];
/* xid lines of the health file already delivered (or skipped). */
static int xidDelivered;

void fake_nvml_set_machine(const char *path) {
  snprintf(machinePath, sizeof machinePath, "%s", path);
}

void fake_nvml_set_health(const char *path) {
  snprintf(healthPath, sizeof healthPath, "%s", path);
  xidDelivered = 0;
}

static int down(const gpu_t *g) { return g->linksDown || g->healthLinksDown; }

/* Re-reads the health file; returns the GPU and XID of xid line number `want` (0-based) in *gpu, *xid,
 * or 0 when the file has no such line. */
static int readHealth(int want, int *gpu, unsigned long long *xid) {
  const char *path = healthPath[0] ? healthPath : getenv("FAKE_NVML_HEALTH");
  for (int g = 0; g < MAX_GPUS; g++) M.gpu[g].lost = M.gpu[g].healthLinksDown = 0;
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) return 0;
  char line[256];
  int a, n = 0, found = 0;
  unsigned long long x;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "lost %d", &a) == 1 && a >= 0 && a < MAX_GPUS) M.gpu[a].lost = 1;
    else if (sscanf(line, "nvlink-down %d", &a) == 1 && a >= 0 && a < MAX_GPUS) M.gpu[a].healthLinksDown = 1;
    else if (sscanf(line, "xid %d %llu", &a, &x) == 2) {
      if (n == want) { *gpu = a; *xid = x; found = 1; }
      n++;
    }
  }
  fclose(f);
  return found;
}

static int isLost(void *h) {
  handle_t *x = h;
  return M.refs && x && x->kind == H_GPU && x->gpu < M.nGpus && M.gpu[x->gpu].lost;
}

static int level(const char *t) {
  if (!strcmp(t, "PIX")) return 10;
  if (!strcmp(t, "PXB")) return 20;
  if (!strcmp(t, "PHB")) return 30;
  if (!strcmp(t, "NODE")) return 40;
  return 50;
}

/* "0-47,96-143" -> bits; "N/A" leaves the mask empty. */
static void setList(const char *s, unsigned long *mask, int words) {
  while (*s && isdigit((unsigned char)*s)) {
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (*end == '-') b = strtol(end + 1, &end, 10);
    for (long k = a; k <= b && k < words * 64L; k++) mask[k / 64] |= 1UL << (k % 64);
    s = *end == ',' ? end + 1 : end;
  }
}

static const char *field(const char *line, const char *key) {
  const char *p = strstr(line, key);
  return p ? p + strlen(key) : NULL;
}

static void copyWord(char *dst, size_t n, const char *src) {
  size_t k = 0;
  while (src && src[k] && !isspace((unsigned char)src[k]) && k + 1 < n) { dst[k] = src[k]; k++; }
  dst[k] = 0;
}

static int split(char *line, char **tok, int max) {
  int n = 0;
  for (char *t = strtok(line, " \t\r\n"); t && n < max; t = strtok(NULL, " \t\r\n")) tok[n++] = t;
  return n;
}

/* The topo -m block: header "GPU0 GPU1 ... [NICk|mlx5_k ...] CPU Affinity ...", then GPU rows. */
static void readTopo(FILE *f) {
  char line[4096], *tok[128];
  int nGpu = 0, nNic = 0, header = 0;
  while (fgets(line, sizeof line, f)) {
    int n = split(line, tok, 128);
    if (n == 0) continue;
    if (!strcmp(tok[0], "GPU0") && n > 1 && strncmp(tok[1], "GPU", 3) == 0) {
      /* a header starts a capture; like the parser, the last capture in the block wins */
      nGpu = nNic = 0;
      for (int g = 0; g < MAX_GPUS; g++) {
        memset(M.gpu[g].nv, 0, sizeof M.gpu[g].nv);
        memset(M.gpu[g].cpus, 0, sizeof M.gpu[g].cpus);
        memset(M.gpu[g].nodes, 0, sizeof M.gpu[g].nodes);
      }
      for (int k = 0; k < n; k++) {
        if (!strncmp(tok[k], "GPU", 3) && isdigit((unsigned char)tok[k][3])) nGpu++;
        else if (!strncmp(tok[k], "NIC", 3) || !strncmp(tok[k], "mlx5", 4)) nNic++;
      }
      header = 1;
      continue;
    }
    if (!header || strncmp(tok[0], "GPU", 3) || !isdigit((unsigned char)tok[0][3])) continue;
    int g = atoi(tok[0] + 3);
    if (g >= MAX_GPUS || n < 1 + nGpu) continue;
    for (int j = 0; j < nGpu; j++) {
      const char *c = tok[1 + j];
      if (!strncmp(c, "NV", 2)) M.gpu[g].nv[j] = atoi(c + 2);
      else if (strcmp(c, "X")) M.gpu[g].pcie[j] = level(c);
    }
    int a = 1 + nGpu + nNic;
    if (n > a) setList(tok[a], M.gpu[g].cpus, CPU_WORDS);
    if (n > a + 1) setList(tok[a + 1], M.gpu[g].nodes, NODE_WORDS);
  }
}

static void readMachine(void) {
  memset(&M.initError, 0, sizeof M - sizeof M.refs);
  snprintf(M.driver, sizeof M.driver, "%s", "999.99.99");
  const char *path = machinePath[0] ? machinePath : getenv("FAKE_NVML_MACHINE");
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) { M.initError = 9; return; } /* no machine file: behave like a node without a driver */
  char line[4096];
  int a, b;
  char word[96];
  int pcieOverride[MAX_GPUS][MAX_GPUS] = {{0}};
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!strcmp(line, "topo")) { readTopo(f); break; }
    if (sscanf(line, "driver %79s", M.driver) == 1) continue;
    if (sscanf(line, "init-error %d", &M.initError) == 1) continue;
    if (sscanf(line, "gpu-numa %d %d", &a, &b) == 2) { M.gpu[a].gpuNuma = b + 1; continue; }
    if (sscanf(line, "nvlink-version %d", &M.nvlinkVersion) == 1) continue;
    if (sscanf(line, "nvlink-down %d", &a) == 1) { M.gpu[a].linksDown = 1; continue; }
    if (sscanf(line, "mig-mode %d %d", &a, &b) == 2) { M.gpu[a].migCapable = 1; M.gpu[a].migMode = b; continue; }
    if (sscanf(line, "mig-refuse %d %d", &a, &b) == 2) { M.gpu[a].migRefuse = b; continue; }
    if (sscanf(line, "pcie %d %d %95s", &a, &b, word) == 3) {
      pcieOverride[a][b] = pcieOverride[b][a] = level(word);
      continue;
    }
    if (sscanf(line, "gpu %d", &a) == 1 && a < MAX_GPUS) {
      gpu_t *g = &M.gpu[a];
      copyWord(g->bus, sizeof g->bus, field(line, "bus="));
      copyWord(g->uuid, sizeof g->uuid, field(line, "uuid="));
      g->pciId = (unsigned)strtoul(field(line, "pci="), NULL, 16);
      g->memMiB = strtoull(field(line, "mem="), NULL, 10);
      snprintf(g->name, sizeof g->name, "%s", field(line, "name="));
      if (a + 1 > M.nGpus) M.nGpus = a + 1;
      continue;
    }
    if (!strncmp(line, "nvswitch ", 9)) {
      char *tok[MAX_SWITCHES + 1];
      int n = split(line, tok, MAX_SWITCHES + 1);
      for (int k = 1; k < n; k++) snprintf(M.switches[M.nSwitches++], 32, "%s", tok[k]);
      continue;
    }
    if (!strncmp(line, "mig-profile ", 12) && M.nProfiles < MAX_PROFILES) {
      profile_t *p = &M.profile[M.nProfiles++];
      p->sel = atoi(field(line, "sel="));
      p->id = atoi(field(line, "id="));
      p->slices = atoi(field(line, "slices="));
      p->count = atoi(field(line, "count="));
      p->mem = strtoull(field(line, "mem="), NULL, 10);
      char *s = (char *)field(line, "placements=");
      while (isdigit((unsigned char)*s) && p->nstarts < 8) {
        p->starts[p->nstarts++] = (int)strtol(s, &s, 10);
        if (*s == ',') s++;
      }
      p->size = atoi(s + 1);
      continue;
    }
    if (sscanf(line, "mig-gi %d", &a) == 1 && M.gpu[a].nGi < MAX_GIS) {
      gi_t *gi = &M.gpu[a].gi[M.gpu[a].nGi++];
      gi->id = atoi(field(line, "id="));
      gi->profile = atoi(field(line, "profile="));
      gi->start = atoi(field(line, "start="));
      gi->size = atoi(field(line, "size="));
      gi->mem = strtoull(field(line, "mem="), NULL, 10);
      copyWord(gi->uuid, sizeof gi->uuid, field(line, "uuid="));
      continue;
    }
    unsigned clique;
    if (sscanf(line, "fabric %d %64s %u", &a, word, &clique) == 3) {
      M.gpu[a].hasFabric = 1;
      M.gpu[a].cliqueId = clique;
      for (int k = 0; k < 16; k++) sscanf(word + 2 * k, "%2hhx", &M.gpu[a].clusterUuid[k]);
      continue;
    }
  }
  fclose(f);
  for (int g = 0; g < M.nGpus; g++) {
    for (int j = 0; j < M.nGpus; j++) {
      if (M.gpu[g].nv[j]) M.gpu[g].pcie[j] = pcieOverride[g][j] ? pcieOverride[g][j] : 50;
    }
    M.gpu[g].self = (handle_t){H_GPU, g, 0};
    for (int k = 0; k < MAX_GIS; k++) {
      M.gpu[g].migHandle[k] = (handle_t){H_MIG, g, k};
      M.gpu[g].giHandle[k] = (handle_t){H_GI, g, k};
    }
  }
}

/* ---- init / system ------------------------------------------------------------------------- */

/* NVML is thread-safe: the agent's probe and its XID watcher open sessions from two threads at once,
   and two first inits must not read the machine file into the same struct together. */
static pthread_mutex_t initLock = PTHREAD_MUTEX_INITIALIZER;

nvmlReturn_t nvmlInit_v2(void) {
  pthread_mutex_lock(&initLock);
  if (M.refs == 0) readMachine();
  int g;
  unsigned long long x;
  readHealth(-1, &g, &x);
  if (M.initError) {
    pthread_mutex_unlock(&initLock);
    return M.initError;
  }
  M.refs++;
  pthread_mutex_unlock(&initLock);
  return OK;
}

nvmlReturn_t nvmlInitWithFlags(unsigned flags) { (void)flags; return nvmlInit_v2(); }

nvmlReturn_t nvmlShutdown(void) {
  pthread_mutex_lock(&initLock);
  nvmlReturn_t r = UNINITIALIZED;
  if (M.refs > 0) {
    M.refs--;
    r = OK;
  }
  pthread_mutex_unlock(&initLock);
  return r;
}

const char *nvmlErrorString(nvmlReturn_t r) {
  switch (r) {
    case OK: return "Success";
    case NOT_SUPPORTED: return "Not Supported";
    case 9: return "Driver Not Loaded";
    default: return "Unknown Error";
  }
}

static nvmlReturn_t putString(char *dst, unsigned length, const char *src) {
  if (strlen(src) + 1 > length) return INSUFFICIENT_SIZE;
  strcpy(dst, src);
  return OK;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned length) {
  return M.refs ? putString(version, length, M.driver) : UNINITIALIZED;
}

/* ---- devices ------------------------------------------------------------------------------- */

static gpu_t *gpuOf(void *h) {
  handle_t *x = h;
  return M.refs && x && x->kind == H_GPU && x->gpu < M.nGpus ? &M.gpu[x->gpu] : NULL;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned *count) {
  if (!M.refs) return UNINITIALIZED;
  *count = (unsigned)M.nGpus;
  return OK;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned index, void **device) {
  if (!M.refs) return UNINITIALIZED;
  if (index >= (unsigned)M.nGpus) return INVALID_ARGUMENT;
  *device = &M.gpu[index].self;
  return OK;
}

nvmlReturn_t nvmlDeviceGetName(void *device, char *name, unsigned length) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  return g ? putString(name, length, g->name) : INVALID_ARGUMENT;
}

nvmlReturn_t nvmlDeviceGetUUID(void *device, char *uuid, unsigned length) {
  handle_t *h = device;
  if (M.refs && h && h->kind == H_MIG) return putString(uuid, length, M.gpu[h->gpu].gi[h->slot].uuid);
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  return g ? putString(uuid, length, g->uuid) : INVALID_ARGUMENT;
}

static void fillPci(nvmlPciInfo_t *pci, const char *busId, unsigned pciId) {
  memset(pci, 0, sizeof *pci);
  snprintf(pci->busId, sizeof pci->busId, "%s", busId);
  sscanf(busId, "%x:%x:%x", &pci->domain, &pci->bus, &pci->device);
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%04X:%02X:%02X.0", pci->domain & 0xffff, pci->bus, pci->device);
  pci->pciDeviceId = pciId;
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(void *device, nvmlPciInfo_t *pci) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g) return INVALID_ARGUMENT;
  fillPci(pci, g->bus, g->pciId);
  return OK;
}

static int migMemOf(void *device, unsigned long long *mib) {
  handle_t *h = device;
  if (!M.refs || !h || h->kind != H_MIG) return 0;
  *mib = M.gpu[h->gpu].gi[h->slot].mem;
  return 1;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory) {
  unsigned long long mib;
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g && !migMemOf(device, &mib)) return INVALID_ARGUMENT;
  memory->total = (g ? g->memMiB : mib) << 20;
  memory->used = 0;
  memory->free = memory->total;
  return OK;
}

nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(void *d1, void *d2, int *pathInfo) {
  gpu_t *a = gpuOf(d1), *b = gpuOf(d2);
  if (isLost(d1) || isLost(d2)) return GPU_IS_LOST;
  if (!a || !b || a == b) return INVALID_ARGUMENT;
  *pathInfo = a->pcie[b - M.gpu];
  return OK;
}

nvmlReturn_t nvmlDeviceGetP2PStatus(void *d1, void *d2, int caps, int *status) {
  gpu_t *a = gpuOf(d1), *b = gpuOf(d2);
  if (isLost(d1) || isLost(d2)) return GPU_IS_LOST;
  if (!a || !b || a == b) return INVALID_ARGUMENT;
  *status = caps == 2 ? (a->nv[b - M.gpu] && !down(a) && !down(b) ? 0 : 5) : 0;
  return OK;
}

/* Link l of GPU g: its peer GPU (or -1 for a switch), or NOT_SUPPORTED / INVALID_ARGUMENT. */
static nvmlReturn_t linkOf(void *device, unsigned link, gpu_t **out, int *peer) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g) return INVALID_ARGUMENT;
  int total = 0, widest = 0;
  for (int j = 0; j < M.nGpus; j++) {
    total += g->nv[j];
    if (g->nv[j] > widest) widest = g->nv[j];
  }
  if (total == 0) return NOT_SUPPORTED; /* a PCIe-only GPU has no NVLink at all */
  if (link >= MAX_LINKS) return INVALID_ARGUMENT;
  *out = g;
  if (M.nSwitches) { /* every link goes to a switch; NV# of any peer is the GPU's link count */
    *peer = -1;
    return link < (unsigned)widest ? OK : NOT_SUPPORTED;
  }
  int base = 0;
  for (int j = 0; j < M.nGpus; j++) {
    if (link < (unsigned)(base + g->nv[j])) { *peer = j; return OK; }
    base += g->nv[j];
  }
  return NOT_SUPPORTED;
}

nvmlReturn_t nvmlDeviceGetNvLinkState(void *device, unsigned link, int *isActive) {
  gpu_t *g;
  int peer;
  nvmlReturn_t r = linkOf(device, link, &g, &peer);
  if (r == OK) *isActive = !down(g);
  return r;
}

nvmlReturn_t nvmlDeviceGetNvLinkVersion(void *device, unsigned link, unsigned *version) {
  gpu_t *g;
  int peer;
  nvmlReturn_t r = linkOf(device, link, &g, &peer);
  if (r == OK) *version = (unsigned)M.nvlinkVersion;
  return r;
}

nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(void *device, unsigned link, nvmlPciInfo_t *pci) {
  gpu_t *g;
  int peer;
  nvmlReturn_t r = linkOf(device, link, &g, &peer);
  if (r != OK) return r;
  if (peer >= 0) fillPci(pci, M.gpu[peer].bus, M.gpu[peer].pciId);
  else fillPci(pci, M.switches[link % M.nSwitches], 0x1AF110DE);
  return OK;
}

#ifndef FAKE_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetNvLinkRemoteDeviceType(void *device, unsigned link, int *type) {
  gpu_t *g;
  int peer;
  nvmlReturn_t r = linkOf(device, link, &g, &peer);
  if (r == OK) *type = peer >= 0 ? 0 : 2;
  return r;
}

nvmlReturn_t nvmlDeviceGetNumaNodeId(void *device, unsigned *node) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g) return INVALID_ARGUMENT;
  if (!g->gpuNuma) return NOT_SUPPORTED;
  *node = (unsigned)(g->gpuNuma - 1);
  return OK;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(void *device, nvmlMemory_v2_t *memory) {
  nvmlMemory_t m;
  nvmlReturn_t r = nvmlDeviceGetMemoryInfo(device, &m);
  if (r != OK) return r;
  if (memory->version != (sizeof(nvmlMemory_v2_t) | (2u << 24))) return 25; /* ARGUMENT_VERSION_MISMATCH */
  memory->total = m.total;
  memory->reserved = 0;
  memory->free = m.free;
  memory->used = m.used;
  return OK;
}
#endif

static nvmlReturn_t copyMask(const unsigned long *src, int words, unsigned size, unsigned long *dst) {
  int any = 0;
  for (int k = 0; k < words; k++) any |= src[k] != 0;
  if (!any) return NOT_SUPPORTED;
  for (unsigned k = 0; k < size; k++) dst[k] = k < (unsigned)words ? src[k] : 0;
  return OK;
}

nvmlReturn_t nvmlDeviceGetCpuAffinity(void *device, unsigned cpuSetSize, unsigned long *cpuSet) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  return g ? copyMask(g->cpus, CPU_WORDS, cpuSetSize, cpuSet) : INVALID_ARGUMENT;
}

nvmlReturn_t nvmlDeviceGetMemoryAffinity(void *device, unsigned nodeSetSize, unsigned long *nodeSet, unsigned scope) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  (void)scope;
  return g ? copyMask(g->nodes, NODE_WORDS, nodeSetSize, nodeSet) : INVALID_ARGUMENT;
}

/* ---- MIG ----------------------------------------------------------------------------------- */

nvmlReturn_t nvmlDeviceGetMigMode(void *device, unsigned *current, unsigned *pending) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g) return INVALID_ARGUMENT;
  if (!g->migCapable) return NOT_SUPPORTED;
  *current = *pending = (unsigned)g->migMode;
  return OK;
}

static profile_t *profileBy(int sel, int id) {
  for (int k = 0; k < M.nProfiles; k++) {
    if ((sel >= 0 && M.profile[k].sel == sel) || (id >= 0 && M.profile[k].id == id)) return &M.profile[k];
  }
  return NULL;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(void *device, unsigned selector, nvmlGpuInstanceProfileInfo_t *info) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g) return INVALID_ARGUMENT;
  if (g->migRefuse) return g->migRefuse;
  if (selector >= 0x12) return INVALID_ARGUMENT;
  profile_t *p = profileBy((int)selector, -1);
  if (!g->migCapable || !p) return NOT_SUPPORTED;
  memset(info, 0, sizeof *info);
  info->id = (unsigned)p->id;
  info->sliceCount = (unsigned)p->slices;
  info->instanceCount = (unsigned)p->count;
  info->memorySizeMB = p->mem;
  return OK;
}

#ifndef FAKE_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(void *device, unsigned selector, nvmlGpuInstanceProfileInfo_v2_t *info) {
  if (info->version != (sizeof(nvmlGpuInstanceProfileInfo_v2_t) | (2u << 24))) return 25;
  nvmlGpuInstanceProfileInfo_t v1;
  nvmlReturn_t r = nvmlDeviceGetGpuInstanceProfileInfo(device, selector, &v1);
  if (r != OK) return r;
  info->id = v1.id;
  info->sliceCount = v1.sliceCount;
  info->instanceCount = v1.instanceCount;
  info->memorySizeMB = v1.memorySizeMB;
  snprintf(info->name, sizeof info->name, "MIG %ug", v1.sliceCount);
  return OK;
}
#endif

nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements_v2(void *device, unsigned profileId,
                                                          nvmlGpuInstancePlacement_t *placements, unsigned *count) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  profile_t *p = profileBy(-1, (int)profileId);
  if (!g || !p) return INVALID_ARGUMENT;
  if (g->migRefuse) return g->migRefuse;
  if (placements == NULL) { *count = (unsigned)p->nstarts; return OK; }
  if (*count < (unsigned)p->nstarts) return INSUFFICIENT_SIZE;
  for (int k = 0; k < p->nstarts; k++) placements[k] = (nvmlGpuInstancePlacement_t){(unsigned)p->starts[k], (unsigned)p->size};
  *count = (unsigned)p->nstarts;
  return OK;
}

nvmlReturn_t nvmlDeviceGetGpuInstances(void *device, unsigned profileId, void **instances, unsigned *count) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g || !profileBy(-1, (int)profileId)) return INVALID_ARGUMENT;
  if (g->migRefuse) return g->migRefuse;
  if (!g->migMode) return NOT_SUPPORTED;
  unsigned n = 0;
  for (int k = 0; k < g->nGi; k++) {
    if (g->gi[k].profile != (int)profileId) continue;
    if (n >= *count) return INSUFFICIENT_SIZE;
    instances[n++] = &g->giHandle[k];
  }
  *count = n;
  return OK;
}

nvmlReturn_t nvmlGpuInstanceGetInfo(void *gpuInstance, nvmlGpuInstanceInfo_t *info) {
  handle_t *h = gpuInstance;
  if (!M.refs || !h || h->kind != H_GI) return INVALID_ARGUMENT;
  gi_t *gi = &M.gpu[h->gpu].gi[h->slot];
  info->device = &M.gpu[h->gpu].self;
  info->id = (unsigned)gi->id;
  info->profileId = (unsigned)gi->profile;
  info->placement = (nvmlGpuInstancePlacement_t){(unsigned)gi->start, (unsigned)gi->size};
  return OK;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(void *device, unsigned *count) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g) return INVALID_ARGUMENT;
  if (g->migRefuse) return g->migRefuse;
  *count = g->migMode ? 7 : 0;
  return OK;
}

/* MIG device slots 0..6; slot k holds GPU instance k when it exists (one compute instance each). */
nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(void *device, unsigned index, void **migDevice) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g || index >= 7) return INVALID_ARGUMENT;
  if (g->migRefuse) return g->migRefuse;
  if (!g->migMode) return NOT_SUPPORTED;
  if (index >= (unsigned)g->nGi) return NOT_FOUND;
  *migDevice = &g->migHandle[index];
  return OK;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(void *device, unsigned *id) {
  handle_t *h = device;
  if (!M.refs || !h || h->kind != H_MIG) return INVALID_ARGUMENT;
  *id = (unsigned)M.gpu[h->gpu].gi[h->slot].id;
  return OK;
}

/* ---- multi-node fabric ------------------------------------------------------------------------ */

#ifndef FAKE_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetGpuFabricInfo(void *device, nvmlGpuFabricInfo_t *info) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  if (!g) return INVALID_ARGUMENT;
  if (!g->hasFabric) return NOT_SUPPORTED;
  memcpy(info->clusterUuid, g->clusterUuid, 16);
  info->status = OK;
  info->cliqueId = g->cliqueId;
  info->state = 3;
  return OK;
}

nvmlReturn_t nvmlDeviceGetGpuFabricInfoV(void *device, nvmlGpuFabricInfo_v3_t *info) {
  if (info->version != (sizeof(nvmlGpuFabricInfo_v3_t) | (3u << 24))) return 25;
  nvmlGpuFabricInfo_t v1;
  nvmlReturn_t r = nvmlDeviceGetGpuFabricInfo(device, &v1);
  if (r != OK) return r;
  memcpy(info->clusterUuid, v1.clusterUuid, 16);
  info->status = v1.status;
  info->cliqueId = v1.cliqueId;
  info->state = v1.state;
  info->healthMask = 0;
  info->healthSummary = 1;
  return OK;
}
#endif

/* ---- events -------------------------------------------------------------------------------- */

typedef struct { void *device; unsigned long long eventType, eventData; unsigned gpuInstanceId, computeInstanceId; } nvmlEventData_t;
#define XID_CRITICAL 0x8ULL
#define MAX_SETS 8
typedef struct { int used; unsigned long long types[MAX_GPUS]; } eventSet_t;
static eventSet_t sets[MAX_SETS];

nvmlReturn_t nvmlEventSetCreate(void **set) {
  if (!M.refs) return UNINITIALIZED;
  for (int k = 0; k < MAX_SETS; k++) {
    if (!sets[k].used) {
      memset(&sets[k], 0, sizeof sets[k]);
      sets[k].used = 1;
      *set = &sets[k];
      return OK;
    }
  }
  return 20; /* MEMORY */
}

nvmlReturn_t nvmlDeviceRegisterEvents(void *device, unsigned long long types, void *set) {
  gpu_t *g = gpuOf(device);
  if (isLost(device)) return GPU_IS_LOST;
  eventSet_t *s = set;
  if (!g || !s || !s->used) return INVALID_ARGUMENT;
  if (types & ~XID_CRITICAL) return NOT_SUPPORTED; /* the fake raises XID events only */
  s->types[g - M.gpu] |= types;
  return OK;
}

static nvmlReturn_t waitEvent(void *set, nvmlEventData_t *data, unsigned timeoutms) {
  eventSet_t *s = set;
  if (!M.refs) return UNINITIALIZED;
  if (!s || !s->used || !data) return INVALID_ARGUMENT;
  struct timespec step = {0, 10 * 1000 * 1000};
  for (unsigned waited = 0;; waited += 10) {
    int g;
    unsigned long long xid;
    while (readHealth(xidDelivered, &g, &xid)) {
      xidDelivered++;
      if (g >= 0 && g < M.nGpus && (s->types[g] & XID_CRITICAL)) {
        memset(data, 0, sizeof *data);
        data->device = &M.gpu[g].self;
        data->eventType = XID_CRITICAL;
        data->eventData = xid;
        data->gpuInstanceId = data->computeInstanceId = 0xFFFFFFFFu;
        return OK;
      }
    }
    if (waited >= timeoutms) return TIMEOUT;
    nanosleep(&step, NULL);
  }
}

nvmlReturn_t nvmlEventSetWait(void *set, nvmlEventData_t *data, unsigned timeoutms) {
  return waitEvent(set, data, timeoutms);
}

#ifndef FAKE_OLD_DRIVER
nvmlReturn_t nvmlEventSetWait_v2(void *set, nvmlEventData_t *data, unsigned timeoutms) {
  return waitEvent(set, data, timeoutms);
}
#endif

nvmlReturn_t nvmlEventSetFree(void *set) {
  eventSet_t *s = set;
  if (!s || !s->used) return INVALID_ARGUMENT;
  s->used = 0;
  return OK;
}
