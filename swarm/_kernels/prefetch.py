"""A software prefetch for numba kernels (LLVM's ``llvm.prefetch``).

``_prefetch(a, i)`` asks the processor to bring the cache line of ``a[i]``
closer (read, high locality) and returns at once; it never faults, so an
index past the end is harmless. Out-of-order execution hides a cache miss
only as far as it can see ahead; a prefetch starts the miss of a load the
kernel knows it will issue soon, such as the next agent's edges in a queue.
"""

from llvmlite import binding, ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

# The intrinsic's name carries its pointer type: "p0" for LLVM's opaque
# pointers (mandatory from LLVM 17), "p0i8" for the typed i8* of older ones.
_NAME = "llvm.prefetch.p0" if binding.llvm_version_info[0] >= 17 else "llvm.prefetch.p0i8"


@intrinsic
def _prefetch(typingctx, arr, idx):
    """Prefetch ``arr[idx]`` (of a 2-D array: row ``idx``) for reading."""
    if not isinstance(arr, types.Array) or arr.ndim > 2 or not isinstance(idx, types.Integer):
        return None
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        row = context.cast(builder, args[1], signature.args[1], types.intp)
        where = [row] + [context.get_constant(types.intp, 0)] * (aryty.ndim - 1)
        ptr = cgutils.get_item_pointer(
            context, builder, aryty, ary, where, wraparound=False, boundscheck=False
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, _NAME)
        # read (0), highest temporal locality (3), data cache (1)
        builder.call(
            fn,
            [
                builder.bitcast(ptr, i8p),
                ir.Constant(i32, 0),
                ir.Constant(i32, 3),
                ir.Constant(i32, 1),
            ],
        )
        return context.get_dummy_value()

    return sig, codegen
