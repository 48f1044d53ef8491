/* Test-only stand-in for Windows' bcryptprimitives.dll under Wine 8, which
 * lacks ProcessPrng (Rust's standard library asks it for random bytes, for
 * hash seeds). Built by dist/windows.sh --test into the Wine prefix only;
 * never shipped in the zip: real Windows 10 and later have it. */
#include <windows.h>

/* advapi32's RtlGenRandom, which Wine has. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
