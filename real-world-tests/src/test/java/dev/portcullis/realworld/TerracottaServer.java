package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The Terracotta server of {@code scripts/terracotta.sh} (Ehcache's clustered tier), on one port for its
 * whole life in a suite, so that a restart comes back where the nodes look for it. A start that does not
 * reach ACTIVE-COORDINATOR fails with the script's output and the server's log tail.
 */
final class TerracottaServer implements AutoCloseable {

    /** Where the shipped conf/ehcache-cluster.xml points; the copy for a test points at {@link #port} instead. */
    static final String SHIPPED_ADDRESS = "127.0.0.1:9410";

    private final int port;
    private final Script script;
    private boolean running;

    private TerracottaServer(int port) {
        this.port = port;
        this.script = Script.of("terracotta.sh", Map.of("PORTCULLIS_TERRACOTTA_PORT", Integer.toString(port)));
    }

    /** Stops what an earlier run may have left, then starts a server on a free port. */
    static TerracottaServer start() {
        TerracottaServer server = new TerracottaServer(RealWorld.freePort());
        server.script.run(Duration.ofSeconds(60), "stop");
        server.startAgain();
        return server;
    }

    /** Starts the server (again) on the same port: empty, as a single server is after a restart. */
    void startAgain() {
        script.run(Duration.ofMinutes(3), "start");
        running = true;
    }

    /** Stops the server: from now on the nodes' cache operations find nobody. */
    void stop() {
        script.run(Duration.ofSeconds(60), "stop");
        running = false;
    }

    /**
     * Stops every process of the server where it is (SIGSTOP to its process group): its connections stay
     * open and nothing answers, as with a server that hangs or a network that drops packets.
     */
    void freeze() {
        signal("-STOP");
    }

    /** Lets a frozen server go on (SIGCONT). */
    void thaw() {
        signal("-CONT");
    }

    private static void signal(String signal) {
        try {
            String group = Files.readString(RealWorld.root().resolve(".cache/run/terracotta/pid"), StandardCharsets.UTF_8).strip();
            Process kill = new ProcessBuilder("kill", signal, "--", "-" + Long.parseLong(group)).inheritIO().start();
            if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " -" + group + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The port the server listens on, for a configuration that names it. */
    int port() {
        return port;
    }

    boolean running() {
        return running;
    }

    /**
     * The shipped conf/ehcache-cluster.xml with only the server's port changed, as a file for the valves'
     * {@code ehcacheConfig}: what the tests prove is the file operators get.
     */
    Path clientConfiguration() {
        try {
            String shipped = Files.readString(RealWorld.root().resolve("conf/ehcache-cluster.xml"), StandardCharsets.UTF_8);
            if (!shipped.contains("terracotta://" + SHIPPED_ADDRESS + "/")) {
                throw new IllegalStateException("conf/ehcache-cluster.xml no longer names terracotta://" + SHIPPED_ADDRESS
                        + "/...; update TerracottaServer");
            }
            Path copy = Files.createTempDirectory("portcullis-cluster").resolve("portcullis-ehcache.xml");
            Files.writeString(copy, shipped.replace(SHIPPED_ADDRESS, "127.0.0.1:" + port), StandardCharsets.UTF_8);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
