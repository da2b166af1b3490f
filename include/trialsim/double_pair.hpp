#pragma once
//! \file double_pair.hpp
//! Two doubles in one vector register (GCC and Clang vector extensions; SSE2 on
//! x86-64), for hot loops that do the same arithmetic for two items. Arithmetic
//! is lane by lane and IEEE, so each lane gives exactly what scalar code gives:
//! pairing changes the speed, never a result.

namespace trialsim {

using DoublePair = double __attribute__((vector_size(2 * sizeof(double))));

} // namespace trialsim
