package dev.portcullis.engine;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;

import dev.portcullis.logging.LogConfiguration;
import dev.portcullis.session.Caches;

/**
 * What every start needs and no setting changes, done ahead on a thread of its own: Portcullis's Log4j
 * context with the configuration a valve without {@code logConfig} uses (INSTALL.md's
 * {@code conf/portcullis-log4j2.xml}, else the built-in one; before any logger exists, so Log4j never falls
 * back to "no configuration found"), then, as a warm-up, the classes of Ehcache and Apache Santuario, which
 * otherwise take most of a start (docs/PERFORMANCE.md, "preparation thread").
 *
 * <p>{@link #begin} is called by the valve's constructor: Tomcat creates a valve while it reads
 * {@code server.xml}, long before it starts it, so the work overlaps Tomcat's own start. It runs once
 * per class loader (the JAR in {@code lib/} is loaded once per Tomcat), however many valves are made.
 * Loading a class starts nothing.
 */
public final class Preparation {

    private static final AtomicBoolean BEGUN = new AtomicBoolean();
    private static final CompletableFuture<Void> LOGGING = new CompletableFuture<>();

    private Preparation() {
    }

    /** Starts the preparation thread, the first time only. */
    public static void begin() {
        if (!BEGUN.compareAndSet(false, true)) {
            return;
        }
        // One thread: on a small machine a second one would only compete with Tomcat's own start.
        Thread thread = new Thread(() -> {
            logging();
            warmUp();
        }, "portcullis-preparation");
        thread.setDaemon(true);
        thread.setContextClassLoader(Preparation.class.getClassLoader());
        thread.start();
    }

    private static void logging() {
        try {
            LogConfiguration.initialize(Preparation.class.getClassLoader());
            LOGGING.complete(null);
        } catch (RuntimeException | LinkageError e) {
            LOGGING.completeExceptionally(e);
        }
    }

    /**
     * Waits until Portcullis's logging is set up (starting the preparation if nothing has yet).
     *
     * @throws IllegalStateException when it failed, took more than 2 minutes, or the wait was interrupted
     */
    public static void awaitLogging() {
        begin();
        try {
            LOGGING.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Portcullis could not set up its logging: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Portcullis's logging was not set up within 2 minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Portcullis's logging was being set up", e);
        }
    }

    /**
     * Best effort: loads the classes a start needs by doing what it does once, with nothing kept:
     * the caches as built-in defaults make them, Santuario's initialisation, the JCA services for
     * keys, certificates and HMAC. Whatever fails here fails again, with its real cause and the
     * setting that matters, in the start itself.
     */
    private static void warmUp() {
        try {
            Caches.start(null, Clock.systemUTC(), Duration.ofMinutes(30), Preparation.class.getClassLoader()).close();
            org.apache.xml.security.Init.init();
            KeyFactory.getInstance("RSA");
            CertificateFactory.getInstance("X.509");
            Mac.getInstance("HmacSHA256");
        } catch (RuntimeException | LinkageError | GeneralSecurityException ignored) {
            // Only a warm-up.
        }
    }
}
