package dev.portcullis.audit;

import java.security.SecureRandom;

/**
 * Short random ids that tie what a user sees on an error page to the log line with the reason
 * ("give support this code"): 10 characters from an alphabet without look-alikes. Thread-safe.
 */
public final class CorrelationIds {

    private static final char[] ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();

    private final SecureRandom random;

    public CorrelationIds(SecureRandom random) {
        this.random = random;
    }

    public String next() {
        char[] id = new char[10];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
