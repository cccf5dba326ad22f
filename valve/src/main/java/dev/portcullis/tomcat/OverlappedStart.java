package dev.portcullis.tomcat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.catalina.Container;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.LifecycleState;

/**
 * Builds something a valve needs on a thread of its own while the valve's container goes on starting,
 * and has the container's start wait for it at the end (docs/PERFORMANCE.md section 4, "overlapped start").
 *
 * <p>Why it is safe: a container's {@code AFTER_START} event fires inside its own {@code start()}, after
 * its webapps are deployed and before {@code start()} returns. On Tomcat's start that is before the
 * Service starts its Connectors ({@code StandardService.startInternal} starts the Engine, and through it
 * the Hosts, before any Connector), so no request can reach a webapp before {@link #finishAt} has run its
 * step; and that step may fail the container's start exactly as a failing {@code startInternal} would
 * ({@code LifecycleBase.start} turns what an {@code AFTER_START} listener throws into the container's
 * {@code FAILED} state and a {@code LifecycleException}). Requests that reach the valve some other way
 * before then (a Context or Host started while Tomcat runs, which the Mapper may route as soon as it has started)
 * must call {@link #ready}, which never hands out a result that is not complete.
 *
 * <p>Only when the container is itself starting ({@link #deferrable}) is there anything to overlap; a valve
 * started on its own, or added to a container already running, waits for the result in its own start.
 *
 * @param <T> what is built
 */
public final class OverlappedStart<T> {

    private final CompletableFuture<T> result = new CompletableFuture<>();

    private OverlappedStart() {
    }

    /**
     * Starts building on a new daemon thread (daemon: a Tomcat that gives up must be able to exit), with the
     * caller's context class loader, as the build would have had on the caller's thread.
     */
    public static <T> OverlappedStart<T> begin(String threadName, Supplier<T> build) {
        OverlappedStart<T> start = new OverlappedStart<>();
        Thread thread = new Thread(() -> {
            try {
                start.result.complete(build.get());
            } catch (RuntimeException | Error e) {
                start.result.completeExceptionally(e);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.start();
        return start;
    }

    /**
     * Whether {@code container} is in the middle of its own start (its pipeline, and so the valve, starts
     * there), so that the rest of its start can overlap the build and {@link #finishAt} runs before it ends.
     */
    public static boolean deferrable(Container container) {
        if (container == null) {
            return false;
        }
        LifecycleState state = container.getState();
        return state == LifecycleState.STARTING_PREP || state == LifecycleState.STARTING;
    }

    /**
     * Runs {@code finish} once, on {@code container}'s {@code AFTER_START} event (on the container's own
     * thread, inside its start). What {@code finish} throws fails the container's start.
     */
    public void finishAt(Container container, Runnable finish) {
        container.addLifecycleListener(new LifecycleListener() {
            @Override
            public void lifecycleEvent(LifecycleEvent event) {
                if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
                    container.removeLifecycleListener(this);
                    finish.run();
                }
            }
        });
    }

    /**
     * Waits for the build, as long as it takes (its own steps have their time limits, as on the caller's
     * thread), and returns what it built or throws what it threw, unchanged.
     *
     * @throws IllegalStateException when interrupted while waiting
     */
    public T join() {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Portcullis was starting", e);
        }
    }

    /**
     * For a request that arrives while the build runs: what was built, waiting at most {@code wait} for it;
     * null when it is not built by then, or failed (the caller refuses the request).
     */
    public T ready(Duration wait) {
        try {
            return result.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Whether the build has ended, built or failed. */
    public boolean done() {
        return result.isDone();
    }
}
