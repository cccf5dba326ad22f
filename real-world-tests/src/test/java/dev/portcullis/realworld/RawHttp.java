package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.0 GET over a plain socket from a chosen loopback source address, so that a test can
 * reach Tomcat as a client that is not the proxy (127.0.0.2 is loopback on Linux too) with whatever
 * headers it likes.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** Returns the whole response (status line, headers and body). */
    static String get(String sourceAddress, int port, String path, String... headerLines) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 10_000);
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.0\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " from " + sourceAddress + " failed", e);
        }
    }

    /** The body of a response returned by {@link #get}. */
    static String body(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end < 0 ? "" : response.substring(end + 4);
    }
}
