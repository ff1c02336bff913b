package io.rtvoice.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The client JVM's own costs over a window: CPU time, bytes allocated (all threads), GC time; and its live heap. */
public final class ResourceMeter {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long wallNanos = System.nanoTime();
    private final long cpuNanos = OS.getProcessCpuTime();
    private final long gcMillis = gcMillis();
    private final Map<Long, Long> allocatedByThread = allocatedByThread();
    private final Map<Long, Long> cpuByThread = cpuByThread();

    /** What was used since this meter was made. */
    public Usage since() {
        double seconds = (System.nanoTime() - wallNanos) / 1e9;
        long allocated = 0;
        for (Map.Entry<Long, Long> now : allocatedByThread().entrySet()) {
            // A thread born in the window counts from 0; one that died in it is lost (few do here).
            allocated += now.getValue() - allocatedByThread.getOrDefault(now.getKey(), 0L);
        }
        double cpuSeconds = (OS.getProcessCpuTime() - cpuNanos) / 1e9;
        // Which threads were busy, by name without its number: the JVM's own (GC, JIT) are what is left over.
        Map<String, Double> cpuByGroup = new TreeMap<>();
        double javaThreads = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long now = THREADS.getThreadCpuTime(info.getThreadId());
            if (now < 0) {
                continue;
            }
            double used = (now - cpuByThread.getOrDefault(info.getThreadId(), 0L)) / 1e9;
            javaThreads += used;
            cpuByGroup.merge(info.getThreadName().replaceAll("([-#]?\\d+| \\(pid \\d+\\))$", ""), used, Double::sum);
        }
        cpuByGroup.put("(JVM: GC, JIT, other native)", Math.max(0, cpuSeconds - javaThreads));
        return new Usage(seconds, cpuSeconds, allocated, (gcMillis() - gcMillis) / 1e3, THREADS.getThreadCount(), cpuByGroup,
                OS.getSystemLoadAverage());
    }

    private static Map<Long, Long> cpuByThread() {
        Map<Long, Long> byThread = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            if (cpu >= 0) {
                byThread.put(id, cpu);
            }
        }
        return byThread;
    }

    /** Heap in use right after a full collection, in bytes. */
    public static long heapUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Map<Long, Long> allocatedByThread() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /**
     * @param seconds the window's wall time
     * @param cpuSeconds CPU time of the whole client JVM in the window
     * @param allocatedBytes bytes allocated by all threads in the window
     * @param gcSeconds time spent collecting (as the collectors report it)
     * @param threads live threads at the window's end
     * @param cpuSecondsByThreadGroup CPU time per thread name (numbers stripped), and the JVM's own threads
     * @param systemLoadAverage the machine's one-minute load average at the window's end (other processes included)
     */
    public record Usage(double seconds, double cpuSeconds, long allocatedBytes, double gcSeconds, int threads,
            Map<String, Double> cpuSecondsByThreadGroup, double systemLoadAverage) {
    }
}
