package dev.portcullis.fuzz;

import java.util.List;
import java.util.Random;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * Where a mutant's decisions come from: a seeded {@link Random} (the time-budgeted run, reproducible
 * from its seed) or Jazzer's {@link FuzzedDataProvider} (coverage-guided). The mutator asks only
 * "a number below n", so both drive exactly the same mutations.
 */
interface Choices {

    /** A number in {@code [0, bound)}; 0 when {@code bound <= 1}. */
    int below(int bound);

    /** True with probability 1/n. */
    default boolean oneIn(int n) {
        return below(n) == 0;
    }

    default <T> T pick(List<T> options) {
        return options.get(below(options.size()));
    }

    /** Decisions from a seeded pseudo-random generator. */
    static Choices of(Random random) {
        return bound -> bound <= 1 ? 0 : random.nextInt(bound);
    }

    /**
     * Decisions from Jazzer's input bytes. Once the input is used up every answer is 0, so an empty
     * input picks the first seed and leaves it unmutated.
     */
    static Choices of(FuzzedDataProvider data) {
        return bound -> bound <= 1 ? 0 : data.consumeInt(0, bound - 1);
    }
}
