package dev.portcullis.fuzz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * What a run saw: mutants, acceptances (and which operations the accepted mutants had), refusals by
 * error code, the slowest mutant, and the findings. Thread-safe.
 */
final class Tally {

    /** Findings kept in full; past this only the count grows. */
    static final int KEPT_FAILURES = 20;

    private final LongAdder mutants = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, LongAdder> refusedByCode = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> knownFindings = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> acceptedByOperation = new ConcurrentHashMap<>();
    private final List<FuzzFailure> failures = new ArrayList<>();
    private long slowestNanos;
    private String slowest = "none";

    void record(Mutant mutant, Oracles.Verdict verdict, long nanos) {
        mutants.increment();
        switch (verdict.outcome()) {
            case ACCEPTED -> {
                accepted.increment();
                mutant.kinds().stream().distinct()
                        .forEach(kind -> acceptedByOperation.computeIfAbsent(kind, k -> new LongAdder()).increment());
            }
            case REFUSED -> refusedByCode.computeIfAbsent(verdict.code(), k -> new LongAdder()).increment();
            case KNOWN -> knownFindings.computeIfAbsent(verdict.code(), k -> new LongAdder()).increment();
            case FAILED -> failed.increment();
        }
        synchronized (this) {
            if (nanos > slowestNanos) {
                slowestNanos = nanos;
                slowest = mutant.seed() + " " + mutant.kinds();
            }
        }
    }

    /** Keeps a finding (the first {@link #KEPT_FAILURES}) and writes its files. */
    synchronized void fail(FuzzFailure failure) {
        if (failures.size() < KEPT_FAILURES) {
            failures.add(failure);
            failure.write();
        }
    }

    long mutants() {
        return mutants.sum();
    }

    long accepted() {
        return accepted.sum();
    }

    long failed() {
        return failed.sum();
    }

    synchronized List<FuzzFailure> failures() {
        return List.copyOf(failures);
    }

    Map<String, Long> refusedByCode() {
        return sortedCounts(refusedByCode);
    }

    Map<String, Long> knownFindings() {
        return sortedCounts(knownFindings);
    }

    Map<String, Long> acceptedByOperation() {
        return sortedCounts(acceptedByOperation);
    }

    /** A few lines for the test output. */
    synchronized String summary(String title, long runSeed, Duration elapsed, int threads) {
        long total = mutants();
        double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s: %d mutants in %.1f s on %d thread(s), %.0f/s, run seed %d%n", title, total, seconds,
                threads, total / seconds, runSeed));
        long known = knownFindings().values().stream().mapToLong(Long::longValue).sum();
        out.append(String.format("  accepted %d (%.1f%%), refused %d, findings %d, known findings %d%n", accepted(),
                total == 0 ? 0.0 : 100.0 * accepted() / total, total - accepted() - failed() - known, failed(), known));
        out.append("  refused by code: ").append(format(refusedByCode())).append('\n');
        out.append("  operations in accepted mutants: ").append(format(acceptedByOperation())).append('\n');
        if (known > 0) {
            out.append("  known findings (reported, awaiting a fix; not failed on): ").append(format(knownFindings())).append('\n');
        }
        out.append(String.format("  slowest mutant: %d ms (%s)%n", slowestNanos / 1_000_000, slowest));
        for (FuzzFailure failure : failures) {
            out.append("  FINDING ").append(failure.summary()).append('\n');
        }
        return out.toString();
    }

    private static Map<String, Long> sortedCounts(Map<String, LongAdder> counts) {
        return counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> e.getValue().sum()).reversed()
                        .thenComparing(Map.Entry::getKey))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum(), (a, b) -> a,
                        java.util.LinkedHashMap::new));
    }

    private static String format(Map<String, Long> counts) {
        return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
