package dev.portcullis.engine;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.catalina.connector.Request;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.config.ExternalUrl;

/**
 * Warnings an operator should see before a problem becomes an outage: certificates that expire soon,
 * and requests that reach Tomcat under another origin than {@code externalBaseUrl} (a proxy that is
 * not trusted through RemoteIpValve, or a wrong setting), each logged with expected vs received.
 */
final class StartupChecks {

    private static final Logger LOG = LogManager.getLogger(StartupChecks.class);
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final int MAX_REPORTED_ORIGINS = 16;

    private final ExternalUrl externalUrl;
    private final Set<String> reportedOrigins = Collections.synchronizedSet(new LinkedHashSet<>());

    StartupChecks(ExternalUrl externalUrl) {
        this.externalUrl = externalUrl;
    }

    /** Warns when a certificate has expired or expires within 30 days. */
    static void checkExpiry(String what, X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (!now.isBefore(notAfter)) {
            LOG.warn("The {} certificate [{}] expired on {}. {}", what, certificate.getSubjectX500Principal().getName(),
                    notAfter, what.startsWith("IdP")
                            ? "Portcullis still trusts its key (as the SAML metadata interoperability profile says, and"
                            + " Shibboleth SP does), but replace it at the IdP and refresh the metadata;"
                            + " idpCertificateExpiry=refuse stops trusting expired keys."
                            : "Create a new key pair and publish it (spSecondary* settings allow a rollover).");
        } else if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
            LOG.warn("The {} certificate [{}] expires on {} (in {} days).", what,
                    certificate.getSubjectX500Principal().getName(), notAfter, Duration.between(now, notAfter).toDays());
        }
    }

    /**
     * Warns, once per origin, when a request to a Portcullis endpoint arrived under another origin than
     * the configured one. The browser used the URL the IdP posted to; Tomcat saw another, so the proxy
     * in front is probably not declared with RemoteIpValve.
     */
    void checkOrigin(Request request) {
        int port = request.getServerPort();
        String scheme = request.getScheme();
        boolean defaultPort = ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        String received = scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
        if (!received.equalsIgnoreCase(externalUrl.origin()) && reportedOrigins.size() < MAX_REPORTED_ORIGINS
                && reportedOrigins.add(received)) {
            LOG.warn("A request to a Portcullis endpoint arrived as [{}] but externalBaseUrl is [{}]. Behind a TLS-terminating"
                    + " proxy, declare the proxy with Tomcat's RemoteIpValve; otherwise check externalBaseUrl.", received,
                    externalUrl.origin());
        }
    }
}
