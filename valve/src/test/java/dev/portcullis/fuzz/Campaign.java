package dev.portcullis.fuzz;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs a fuzzing phase: mutants numbered 0, 1, 2 ... made and judged on several threads until the
 * time budget is spent. Mutant {@code n} draws its choices from a {@link Random} seeded with the run
 * seed and {@code n} alone, so the same run seed makes the same mutants whatever the thread count or
 * machine speed, and {@code -Dportcullis.fuzz.mutant=n} replays one of them. A watchdog turns a
 * mutant that gets no verdict within the hang limit into a finding (a message that ties up a
 * request thread is a denial of service).
 *
 * <p>System properties: {@code portcullis.fuzz.seconds} (whole budget of {@link AcsFuzzTest}, default
 * 20), {@code portcullis.fuzz.seed} (default: random, printed), {@code portcullis.fuzz.mutant} (only
 * that mutant), {@code portcullis.fuzz.threads} (default: the processors), {@code
 * portcullis.fuzz.hangSeconds} (default 30).
 */
final class Campaign {

    /** Makes and judges mutants; one instance per thread, so it may keep state between the two. */
    interface Check {
        Mutant make(long number, Random random) throws Exception;

        Oracles.Verdict judge(Mutant mutant) throws Exception;

        /** What a report needs to replay the mutant: the seed, its settings and trust. */
        String seedDescription(Mutant mutant);
    }

    private final String phase;
    private final long runSeed;
    private final Duration budget;
    private final int threads;
    private final long onlyMutant;
    private final Duration hangLimit;

    Campaign(String phase, long runSeed, Duration budget, int threads, long onlyMutant, Duration hangLimit) {
        this.phase = phase;
        this.runSeed = runSeed;
        this.budget = budget;
        this.threads = onlyMutant >= 0 ? 1 : threads;
        this.onlyMutant = onlyMutant;
        this.hangLimit = hangLimit;
    }

    /** A campaign configured from the system properties, with this share of the whole budget. */
    static Campaign fromSystemProperties(String phase, long runSeed, double shareOfBudget) {
        long seconds = Long.getLong("portcullis.fuzz.seconds", 20);
        return new Campaign(phase, runSeed, Duration.ofMillis((long) (seconds * 1000 * shareOfBudget)),
                Integer.getInteger("portcullis.fuzz.threads", Runtime.getRuntime().availableProcessors()),
                Long.getLong("portcullis.fuzz.mutant", -1), Duration.ofSeconds(Long.getLong("portcullis.fuzz.hangSeconds", 30)));
    }

    /** {@code -Dportcullis.fuzz.seed}, or a fresh random seed. */
    static long configuredRunSeed() {
        Long configured = Long.getLong("portcullis.fuzz.seed");
        return configured != null ? configured : new SecureRandom().nextLong();
    }

    /** The choices of mutant {@code number}: a function of the run seed, the phase and the number only. */
    static Random random(long runSeed, String phase, long number) {
        long x = runSeed ^ (phase.hashCode() * 0xC2B2AE3D27D4EB4FL) ^ (number * 0x9E3779B97F4A7C15L);
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return new Random(x ^ (x >>> 31));
    }

    int threads() {
        return threads;
    }

    long runSeed() {
        return runSeed;
    }

    /** Runs until the budget is spent (or the one mutant asked for is judged, or a hang). */
    Tally run(Supplier<Check> checks) throws InterruptedException {
        Tally tally = new Tally();
        long deadline = System.nanoTime() + budget.toNanos();
        AtomicBoolean stop = new AtomicBoolean();
        Worker[] workers = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(t, checks.get(), tally, deadline, stop);
            workers[t].start();
        }
        boolean hung = false;
        while (!hung && anyAlive(workers)) {
            Thread.sleep(50);
            for (Worker worker : workers) {
                if (worker.hangingFor() > hangLimit.toNanos()) {
                    worker.reportHang(hangLimit);
                    stop.set(true);
                    hung = true;
                }
            }
        }
        for (Worker worker : workers) {
            // A hung worker is a daemon thread and is left behind; its finding is already recorded.
            worker.join(hung ? 1_000 : hangLimit.toMillis());
        }
        return tally;
    }

    private static boolean anyAlive(Worker[] workers) {
        for (Worker worker : workers) {
            if (worker.isAlive()) {
                return true;
            }
        }
        return false;
    }

    private final class Worker extends Thread {
        private final int index;
        private final Check check;
        private final Tally tally;
        private final long deadline;
        private final AtomicBoolean stop;
        private volatile Mutant current;
        private volatile long currentNumber;
        private volatile long judgingSince;

        Worker(int index, Check check, Tally tally, long deadline, AtomicBoolean stop) {
            super("fuzz-" + phase + "-" + index);
            setDaemon(true);
            this.index = index;
            this.check = check;
            this.tally = tally;
            this.deadline = deadline;
            this.stop = stop;
        }

        @Override
        public void run() {
            long number = onlyMutant >= 0 ? onlyMutant : index;
            while (!stop.get()) {
                Mutant mutant;
                try {
                    mutant = check.make(number, random(runSeed, phase, number));
                } catch (Exception | Error e) {
                    // A bug of the harness, not of the valve; it must still fail the run, not skip a mutant.
                    Mutant none = new Mutant("(harness)", "", java.util.List.of("make failed"));
                    tally.record(none, Oracles.Verdict.failed("the harness could not make mutant " + number, e), 0);
                    tally.fail(new FuzzFailure(phase, runSeed, number, "(no seed)", none,
                            Oracles.Verdict.failed("the harness could not make mutant " + number, e)));
                    return;
                }
                currentNumber = number;
                current = mutant;
                judgingSince = System.nanoTime();
                Oracles.Verdict verdict;
                try {
                    verdict = check.judge(mutant);
                } catch (Exception | Error e) {
                    verdict = Oracles.Verdict.failed("judging failed (transport or harness)", e);
                }
                long took = System.nanoTime() - judgingSince;
                judgingSince = 0;
                if (stop.get() && took > hangLimit.toNanos()) {
                    return;
                }
                tally.record(mutant, verdict, took);
                if (verdict.failed()) {
                    tally.fail(new FuzzFailure(phase, runSeed, number, check.seedDescription(mutant), mutant, verdict));
                }
                if (onlyMutant >= 0 || System.nanoTime() > deadline) {
                    return;
                }
                number += threads;
            }
        }

        long hangingFor() {
            long since = judgingSince;
            return since == 0 ? 0 : System.nanoTime() - since;
        }

        void reportHang(Duration limit) {
            Mutant mutant = current;
            Oracles.Verdict verdict = Oracles.Verdict.failed("no verdict after " + limit.toSeconds() + " s (hang)", null);
            tally.record(mutant, verdict, hangingFor());
            tally.fail(new FuzzFailure(phase, runSeed, currentNumber, check.seedDescription(mutant), mutant, verdict));
        }
    }
}
