package dev.portcullis.saml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads IdP metadata from a file or an http(s) URL. Bounded in time and size; redirects are not
 * followed (a redirect from https to http would silently downgrade the channel that delivers the
 * keys we trust). Thread-safe.
 */
public final class MetadataFetcher {

    /** Largest metadata document accepted (federation aggregates are larger: use a file). */
    public static final int MAX_BYTES = 8 * 1024 * 1024;

    private final Duration timeout;

    public MetadataFetcher(Duration timeout) {
        this.timeout = timeout;
    }

    /** @param location a {@link Path} or an http(s) {@link URI} */
    public byte[] fetch(Object location) throws MetadataException {
        if (location instanceof Path path) {
            return read(path);
        }
        if (location instanceof URI uri) {
            return download(uri);
        }
        throw new IllegalArgumentException("not a metadata location: " + location);
    }

    private static byte[] read(Path path) throws MetadataException {
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new MetadataException(path + " is larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new MetadataException("cannot read " + path + " (" + e.getMessage() + ")", e);
        }
    }

    private byte[] download(URI uri) throws MetadataException {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setRequestProperty("Accept", "application/samlmetadata+xml, application/xml;q=0.9, */*;q=0.1");
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new MetadataException(uri + " answered HTTP " + status
                        + (status / 100 == 3 ? " (redirects are not followed; configure the final URL)" : ""));
            }
            try (InputStream in = connection.getInputStream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (out.size() + n > MAX_BYTES) {
                        throw new MetadataException(uri + " sent more than " + MAX_BYTES + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw new MetadataException("cannot download " + uri + " (" + e + ")", e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
