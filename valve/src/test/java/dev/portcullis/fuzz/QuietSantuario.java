package dev.portcullis.fuzz;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Santuario logs a JUL warning for every signature that does not verify: thousands a second while
 * fuzzing, which costs throughput and buries the summaries. Quieted for the fuzz tests, then restored.
 */
final class QuietSantuario {

    /** Held so the configured logger is not garbage collected (JUL keeps loggers weakly). */
    private static final Logger SANTUARIO = Logger.getLogger("org.apache.xml.security");
    private static Level previous;

    private QuietSantuario() {
    }

    static synchronized void quiet() {
        previous = SANTUARIO.getLevel();
        SANTUARIO.setLevel(Level.SEVERE);
    }

    static synchronized void restore() {
        SANTUARIO.setLevel(previous);
    }
}
