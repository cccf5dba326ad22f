package dev.portcullis.it;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A syslog server as far as a test needs one: listens on a loopback port, reads RFC 6587 octet-counted
 * frames ("LENGTH SP MESSAGE") from every connection and parses each message as RFC 5424 (section 6):
 * {@code <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]}.
 * A frame that is not well-formed is kept as a failure, so a test sees it rather than a timeout.
 */
final class SyslogListener implements AutoCloseable {

    /** One RFC 5424 message, field by field. */
    record Frame(int pri, int version, String timestamp, String hostname, String appName, String procId,
                 String msgId, String structuredData, String msg) {

        int facility() {
            return pri / 8;
        }

        int severity() {
            return pri % 8;
        }
    }

    // HEADER fields are NILVALUE or PRINTUSASCII without spaces (RFC 5424 section 6.2); SD is "-" here.
    private static final Pattern MESSAGE = Pattern.compile(
            "<(\\d{1,3})>(\\d{1,2}) (\\S+) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) (-|\\[.*?\\])(?: (.*))?",
            Pattern.DOTALL);

    private final ServerSocket server;
    private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    private final List<Socket> connections = new ArrayList<>();
    private final Thread acceptor;

    private SyslogListener(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::accept, "syslog-listener-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on a free loopback port. */
    static SyslogListener start() throws IOException {
        return start(0);
    }

    /** Listens on {@code port} of the loopback address (0: any free one). */
    static SyslogListener start(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new SyslogListener(server);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The first frame, received from now on or before and not yet taken, that {@code wanted} accepts. */
    Frame await(Predicate<Frame> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Object next = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no such syslog frame within " + timeout);
            }
            if (next instanceof AssertionError malformed) {
                throw malformed;
            }
            Frame frame = (Frame) next;
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                synchronized (connections) {
                    connections.add(socket);
                }
                Thread reader = new Thread(() -> read(socket), "syslog-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void read(Socket socket) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()))) {
            while (true) {
                int length = readLength(in);
                if (length < 0) {
                    return;
                }
                byte[] message = new byte[length];
                in.readFully(message);
                frames.add(parse(new String(message, StandardCharsets.UTF_8)));
            }
        } catch (EOFException | java.net.SocketException closed) {
            // The sender or the test closed the connection.
        } catch (IOException | RuntimeException e) {
            frames.add(new AssertionError("reading a syslog frame failed", e));
        }
    }

    /** MSG-LEN SP (RFC 6587 section 3.4.1), or -1 at a clean end of stream. */
    private static int readLength(InputStream in) throws IOException {
        int length = 0;
        int digits = 0;
        while (true) {
            int c = in.read();
            if (c < 0 && digits == 0) {
                return -1;
            }
            if (c == ' ' && digits > 0) {
                return length;
            }
            if (c < '0' || c > '9' || digits == 9) {
                throw new IOException("not an octet-counted frame: byte " + c + " after " + digits + " digit(s)");
            }
            length = length * 10 + (c - '0');
            digits++;
        }
    }

    private static Object parse(String message) {
        Matcher m = MESSAGE.matcher(message);
        if (!m.matches()) {
            return new AssertionError("not an RFC 5424 message: " + message);
        }
        return new Frame(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3), m.group(4), m.group(5),
                m.group(6), m.group(7), m.group(8), m.group(9));
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (connections) {
            for (Socket socket : connections) {
                socket.close();
            }
        }
    }
}
