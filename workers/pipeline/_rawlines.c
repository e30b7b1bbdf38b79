/*
 * Raw line images for Tesseract's LSTM recognizer, loaded only into the recognizer's child process.
 *
 * Tesseract hands every text line to its LSTM network through an ImageData, which stores the line as a
 * PNG in memory (pixWriteMem(..., IFF_PNG)) and decodes it again a moment later (pixReadMem). That
 * deflate/inflate round trip is 15-17 % of Tesseract's CPU time on a grey page, 2-3 % on a black-and-white
 * one. This library, loaded with
 * RTLD_GLOBAL before libtesseract, answers those two calls first: a PNG request for a plain image (no
 * colormap) is written as a copy of the raster behind a small header, and pixReadMem turns such a copy
 * back into the same image. The round trip is lossless either way, so the recognized text is the same
 * (a test compares it with the tesseract command line). Every other call goes to Leptonica unchanged.
 *
 * Build (scripts/_setup.sh does it; python -m workers.pipeline.rawlines builds and checks it):
 *   cc -O2 -shared -fPIC -o _rawlines.so _rawlines.c /path/to/liblept.so.N -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct Pix PIX;
typedef struct PixColormap PIXCMAP;

/* Leptonica's public functions (leptonica/allheaders.h); the library is linked by path. */
extern PIX *pixCreateNoInit(int32_t width, int32_t height, int32_t depth);
extern void pixDestroy(PIX **ppix);
extern int32_t pixGetWidth(const PIX *pix);
extern int32_t pixGetHeight(const PIX *pix);
extern int32_t pixGetDepth(const PIX *pix);
extern int32_t pixGetWpl(const PIX *pix);
extern int32_t pixGetSpp(const PIX *pix);
extern int pixSetSpp(PIX *pix, int32_t spp);
extern int pixGetResolution(const PIX *pix, int32_t *xres, int32_t *yres);
extern int pixSetResolution(PIX *pix, int32_t xres, int32_t yres);
extern PIXCMAP *pixGetColormap(PIX *pix);
extern uint32_t *pixGetData(PIX *pix);

enum { IFF_PNG = 3 }; /* Leptonica's file format number for PNG (imageio.h) */

static const char MAGIC[8] = {'S', 'O', 'H', 'O', 'A', 'P', 'I', 'X'};

struct header {
    char magic[8];
    int32_t width, height, depth, spp, wpl, xres, yres, reserved;
};

typedef int (*write_mem_fn)(uint8_t **, size_t *, PIX *, int32_t);
typedef PIX *(*read_mem_fn)(const uint8_t *, size_t);

static write_mem_fn real_write_mem;
static read_mem_fn real_read_mem;

__attribute__((constructor)) static void find_leptonica(void) {
    real_write_mem = (write_mem_fn)dlsym(RTLD_NEXT, "pixWriteMem");
    real_read_mem = (read_mem_fn)dlsym(RTLD_NEXT, "pixReadMem");
}

/* 1 when both Leptonica functions were found, so the calls below can be answered. */
int sohoa_rawlines_ready(void) { return real_write_mem != NULL && real_read_mem != NULL; }

/* Number of raw copies made and read back since the process started (for the tests). */
static uint64_t copies_written, copies_read;
uint64_t sohoa_rawlines_written(void) { return copies_written; }
uint64_t sohoa_rawlines_read(void) { return copies_read; }

int pixWriteMem(uint8_t **pdata, size_t *psize, PIX *pix, int32_t format) {
    if (format != IFF_PNG || pix == NULL || pdata == NULL || psize == NULL || pixGetColormap(pix) != NULL) {
        return real_write_mem ? real_write_mem(pdata, psize, pix, format) : 1;
    }
    struct header h = {.width = pixGetWidth(pix), .height = pixGetHeight(pix), .depth = pixGetDepth(pix),
                       .spp = pixGetSpp(pix), .wpl = pixGetWpl(pix)};
    memcpy(h.magic, MAGIC, sizeof MAGIC);
    pixGetResolution(pix, &h.xres, &h.yres);
    size_t raster = (size_t)h.wpl * 4 * (size_t)h.height;
    uint8_t *data = malloc(sizeof h + raster); /* the caller frees it with lept_free, i.e. free */
    if (data == NULL) {
        return real_write_mem ? real_write_mem(pdata, psize, pix, format) : 1;
    }
    memcpy(data, &h, sizeof h);
    memcpy(data + sizeof h, pixGetData(pix), raster);
    *pdata = data;
    *psize = sizeof h + raster;
    copies_written++;
    return 0;
}

PIX *pixReadMem(const uint8_t *data, size_t size) {
    struct header h;
    if (data == NULL || size < sizeof h || memcmp(data, MAGIC, sizeof MAGIC) != 0) {
        return real_read_mem ? real_read_mem(data, size) : NULL;
    }
    memcpy(&h, data, sizeof h);
    if (h.width <= 0 || h.height <= 0 || h.wpl <= 0 || size != sizeof h + (size_t)h.wpl * 4 * (size_t)h.height) {
        return NULL;
    }
    PIX *pix = pixCreateNoInit(h.width, h.height, h.depth);
    if (pix == NULL) {
        return NULL;
    }
    if (pixGetWpl(pix) != h.wpl) {
        pixDestroy(&pix);
        return NULL;
    }
    memcpy(pixGetData(pix), data + sizeof h, size - sizeof h);
    pixSetSpp(pix, h.spp);
    pixSetResolution(pix, h.xres, h.yres);
    copies_read++;
    return pix;
}
