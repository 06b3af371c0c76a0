/*
 * qibo_mpi_shim.c — the MPI side of the cpu backend's distributed ("mpi") mode.
 *
 * This is the one file that depends on an MPI implementation: handles such as MPI_Comm, MPI_Datatype and MPI_Op
 * are pointers in Open MPI and integers in MPICH, so they never cross into C#. Every function here takes plain C
 * types. It is compiled with `mpicc` into libqibo_mpi_shim.so at build time (./qiboaccel build, when mpicc exists);
 * libqibo_cpu.so loads it with dlopen only when a backend is created with the "mpi" option, so the ordinary cpu
 * backend has no link-time dependency on MPI and works where MPI is absent.
 *
 * Functions return 0 on success or an MPI error code, with a one-line message in err[0 .. errlen).
 * Counts above INT_MAX are split into pieces, so byte counts are 64-bit.
 */
#define _GNU_SOURCE
#include <mpi.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QIBO_MPI_EXPORT __attribute__((visibility("default")))

/* A private duplicate of MPI_COMM_WORLD (errors returned, never fatal), and a second one used only by the exit
 * barrier, so that barrier can never be matched against a collective of the backend. */
static MPI_Comm s_comm = MPI_COMM_NULL;
static MPI_Comm s_exit_comm = MPI_COMM_NULL;
static int s_initialized_here = 0;

/* Largest piece handed to one MPI call (bytes or elements, counted as int). */
static const int64_t PIECE = 1 << 30;

static int fail(int code, const char* what, char* err, int errlen)
{
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) snprintf(text, sizeof text, "MPI error %d", code);
    if (err != NULL && errlen > 0) snprintf(err, (size_t)errlen, "%s failed: %s", what, text);
    return code == 0 ? -1 : code;
}

/* At process exit: all ranks meet at a barrier on the private exit communicator, then finalize. A rank that leaves
 * early (an error the others did not see) would otherwise wait in MPI_Finalize forever while the others wait in a
 * collective for it; after QIBO_MPI_EXIT_TIMEOUT seconds (default 60) it aborts the whole job instead, so a job never
 * hangs. */
static void at_exit(void)
{
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized || s_exit_comm == MPI_COMM_NULL) return;
    double timeout = 60;
    const char* env = getenv("QIBO_MPI_EXIT_TIMEOUT");
    if (env != NULL && atof(env) > 0) timeout = atof(env);
    MPI_Request request;
    if (MPI_Ibarrier(s_exit_comm, &request) == MPI_SUCCESS)
    {
        double deadline = MPI_Wtime() + timeout;
        int done = 0;
        while (!done)
        {
            if (MPI_Test(&request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) break;
            if (done) break;
            if (MPI_Wtime() > deadline)
            {
                int rank = 0;
                MPI_Comm_rank(MPI_COMM_WORLD, &rank);
                fprintf(stderr, "qiboaccel: rank %d: the other MPI ranks did not reach the end of the program within %g s "
                                "(QIBO_MPI_EXIT_TIMEOUT); aborting the job\n", rank, timeout);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
    }
    MPI_Finalize();
}

/* Initialises MPI once per process (or joins an MPI the host program already initialised, which it then also
 * finalises). rank/size are this process's place in MPI_COMM_WORLD; node_ranks is how many ranks share its node. */
QIBO_MPI_EXPORT int qibo_mpi_init(int* rank, int* size, int* node_ranks, char* err, int errlen)
{
    int code, already = 0;
    if (s_comm == MPI_COMM_NULL)
    {
        MPI_Initialized(&already);
        if (!already)
        {
            /* The host loads this shim (and so libmpi) without RTLD_GLOBAL; some MPI builds dlopen plugins that
             * expect libmpi's symbols to be global. Promote the already loaded library, whatever its name. */
            Dl_info info;
            if (dladdr((void*)&MPI_Init_thread, &info) != 0 && info.dli_fname != NULL)
                dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
            int provided = MPI_THREAD_SINGLE;
            /* SERIALIZED: the backend makes every MPI call under one lock, from whichever thread the host calls it. */
            code = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
            if (code != MPI_SUCCESS) return fail(code, "MPI_Init_thread", err, errlen);
            if (provided < MPI_THREAD_SERIALIZED)
            {
                snprintf(err, (size_t)errlen, "the MPI library offers thread level %d; the mpi mode needs MPI_THREAD_SERIALIZED", provided);
                return -1;
            }
            s_initialized_here = 1;
        }
        if ((code = MPI_Comm_dup(MPI_COMM_WORLD, &s_comm)) != MPI_SUCCESS) return fail(code, "MPI_Comm_dup", err, errlen);
        MPI_Comm_set_errhandler(s_comm, MPI_ERRORS_RETURN);
        if ((code = MPI_Comm_dup(MPI_COMM_WORLD, &s_exit_comm)) != MPI_SUCCESS) return fail(code, "MPI_Comm_dup", err, errlen);
        MPI_Comm_set_errhandler(s_exit_comm, MPI_ERRORS_RETURN);
        if (s_initialized_here) atexit(at_exit);
    }
    if ((code = MPI_Comm_rank(s_comm, rank)) != MPI_SUCCESS) return fail(code, "MPI_Comm_rank", err, errlen);
    if ((code = MPI_Comm_size(s_comm, size)) != MPI_SUCCESS) return fail(code, "MPI_Comm_size", err, errlen);
    MPI_Comm node;
    if ((code = MPI_Comm_split_type(s_comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node)) != MPI_SUCCESS)
        return fail(code, "MPI_Comm_split_type", err, errlen);
    MPI_Comm_size(node, node_ranks);
    MPI_Comm_free(&node);
    return 0;
}

/* The MPI library's own description (first line), e.g. "Open MPI v4.1.4, ...". */
QIBO_MPI_EXPORT int qibo_mpi_library_version(char* out, int length)
{
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int n = 0;
    if (MPI_Get_library_version(text, &n) != MPI_SUCCESS) n = 0;
    text[n < (int)sizeof text ? n : (int)sizeof text - 1] = 0;
    char* end = strpbrk(text, ",\n");
    if (end != NULL) *end = 0;
    snprintf(out, (size_t)length, "%s", text);
    return 0;
}

/* Element-wise minimum over all ranks, in place. */
QIBO_MPI_EXPORT int qibo_mpi_allreduce_min_i64(int64_t* values, int count, char* err, int errlen)
{
    int code = MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_INT64_T, MPI_MIN, s_comm);
    return code == MPI_SUCCESS ? 0 : fail(code, "MPI_Allreduce", err, errlen);
}

/* Element-wise sum over all ranks, in place. */
QIBO_MPI_EXPORT int qibo_mpi_allreduce_sum_f64(double* values, int64_t count, char* err, int errlen)
{
    for (int64_t done = 0; done < count; done += PIECE)
    {
        int piece = (int)(count - done < PIECE ? count - done : PIECE);
        int code = MPI_Allreduce(MPI_IN_PLACE, values + done, piece, MPI_DOUBLE, MPI_SUM, s_comm);
        if (code != MPI_SUCCESS) return fail(code, "MPI_Allreduce", err, errlen);
    }
    return 0;
}

/* Root's bytes to every rank. */
QIBO_MPI_EXPORT int qibo_mpi_bcast(void* data, int64_t bytes, int root, char* err, int errlen)
{
    for (int64_t done = 0; done < bytes; done += PIECE)
    {
        int piece = (int)(bytes - done < PIECE ? bytes - done : PIECE);
        int code = MPI_Bcast((char*)data + done, piece, MPI_BYTE, root, s_comm);
        if (code != MPI_SUCCESS) return fail(code, "MPI_Bcast", err, errlen);
    }
    return 0;
}

/* Sends `bytes` bytes to partner and receives as many from it (the pairwise exchange of the distributed swaps). */
QIBO_MPI_EXPORT int qibo_mpi_sendrecv(const void* send, void* receive, int64_t bytes, int partner, char* err, int errlen)
{
    for (int64_t done = 0; done < bytes; done += PIECE)
    {
        int piece = (int)(bytes - done < PIECE ? bytes - done : PIECE);
        int code = MPI_Sendrecv((const char*)send + done, piece, MPI_BYTE, partner, 17, (char*)receive + done, piece, MPI_BYTE,
                                partner, 17, s_comm, MPI_STATUS_IGNORE);
        if (code != MPI_SUCCESS) return fail(code, "MPI_Sendrecv", err, errlen);
    }
    return 0;
}

/* Seconds since an arbitrary time (MPI_Wtime). */
QIBO_MPI_EXPORT double qibo_mpi_wtime(void) { return MPI_Wtime(); }
