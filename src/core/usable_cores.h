// UsableCores: how many cores this process may run on.
//
// The CPUs of its affinity mask (what `nproc` prints), so a server pinned to
// some cores (taskset, a container's cpuset) sizes its thread pools for them,
// not for the whole machine. libgomp counts cores the same way when it
// decides whether its threads may spin. At least 1.
#pragma once

namespace inferd {

int UsableCores();

}  // namespace inferd
