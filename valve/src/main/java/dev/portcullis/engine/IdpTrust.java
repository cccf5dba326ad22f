package dev.portcullis.engine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataException;
import dev.portcullis.saml.MetadataFetcher;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.saml.SignatureValidator;

/**
 * The IdP metadata the valve trusts, kept current. At start it is read from its file or URL; when a
 * URL cannot be reached, the last good copy saved on disk is used instead (with a warning), and
 * without one the valve does not start. A timer then re-reads it: as often as
 * {@code idpMetadataRefreshInterval}, sooner when the metadata's own {@code cacheDuration} says so or
 * half-way to its {@code validUntil}. A refresh that fails keeps the previous metadata and logs why;
 * one that succeeds replaces the whole {@link ServiceProvider} at once (keys, endpoints, validator).
 * Optionally the metadata must be signed by a configured certificate. With
 * {@code idpCertificateExpiry=refuse} ({@link IdpKeyExpiry}) a signing key whose certificate has expired
 * is dropped when the metadata is read, and at the instant it expires while the metadata is in use.
 *
 * <p>The timer runs on one daemon thread owned by this object, whose context class loader is the
 * valve's own (never a webapp's), and which {@link #close} stops.
 */
final class IdpTrust implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(IdpTrust.class);
    static final Duration MIN_DELAY = Duration.ofMinutes(1);
    static final Duration RETRY_DELAY = Duration.ofMinutes(5);

    private final Object location;
    private final String entityId;
    private final Path backup;
    private final Duration interval;
    private final Clock clock;
    private final MetadataFetcher fetcher;
    private final IdpMetadataParser parser;
    private final SignatureValidator metadataSigner;
    private final Function<IdpMetadata, ServiceProvider> build;
    private final IdpKeyExpiry keyExpiry;
    private final AtomicReference<Trusted> current = new AtomicReference<>();
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> next;
    private volatile Status status;

    /**
     * Where the metadata in use came from (its location, or the saved copy), when it was read, and when
     * the timer reads it next; for the valve's MBean and the health check.
     */
    record Status(String source, Instant read, Instant nextRefresh) {
    }

    /**
     * The SAML side in use, and when its next trusted signing key expires (only with
     * idpCertificateExpiry=refuse, else null): from then on {@link #current} drops that key.
     */
    private record Trusted(ServiceProvider provider, Instant nextKeyExpiry) {
    }

    private IdpTrust(Object location, String entityId, Path backup, Duration interval, Clock clock, MetadataFetcher fetcher,
                     IdpMetadataParser parser, X509Certificate metadataSigningCertificate, IdpKeyExpiry keyExpiry,
                     Function<IdpMetadata, ServiceProvider> build) {
        this.location = location;
        this.entityId = entityId;
        this.backup = backup;
        this.interval = interval;
        this.clock = clock;
        this.fetcher = fetcher;
        this.parser = parser;
        this.metadataSigner = metadataSigningCertificate == null ? null
                : new SignatureValidator(List.of(metadataSigningCertificate.getPublicKey()),
                        new dev.portcullis.saml.AlgorithmPolicy(false));
        this.build = build;
        this.keyExpiry = keyExpiry;
        ClassLoader own = IdpTrust.class.getClassLoader();
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "portcullis-idp-metadata");
            thread.setDaemon(true);
            thread.setContextClassLoader(own);
            return thread;
        });
    }

    /**
     * Loads the metadata and starts the refresh timer.
     *
     * @param location a {@link Path} or an http(s) {@link URI}
     * @param backup   where to keep the last good copy of URL metadata, or null
     * @throws ConfigurationException when no usable metadata can be had
     */
    static IdpTrust start(Object location, String entityId, Path backup, Duration interval, Clock clock,
                          MetadataFetcher fetcher, IdpMetadataParser parser, X509Certificate metadataSigningCertificate,
                          IdpKeyExpiry keyExpiry, Function<IdpMetadata, ServiceProvider> build) {
        IdpTrust trust = new IdpTrust(location, entityId, location instanceof URI ? backup : null, interval, clock, fetcher,
                parser, metadataSigningCertificate, keyExpiry, build);
        try {
            trust.current.set(trust.initial());
            trust.schedule(trust.delayAfterSuccess(trust.current.get().provider().idp()));
            return trust;
        } catch (RuntimeException e) {
            trust.close();
            throw e;
        }
    }

    /** The SAML side as it is now. */
    ServiceProvider current() {
        Trusted trusted = current.get();
        Instant expiry = trusted.nextKeyExpiry();
        if (expiry != null && !clock.instant().isBefore(expiry)) {
            trusted = keyExpired(trusted);
        }
        return trusted.provider();
    }

    /**
     * idpCertificateExpiry=refuse: a trusted key's certificate has just expired while its metadata is in use.
     * The key is dropped at once (without waiting for the next refresh); with no key left, the metadata is
     * kept as unusable, so that sign-ins are refused until a refresh brings a current certificate.
     */
    private synchronized Trusted keyExpired(Trusted seen) {
        Trusted trusted = current.get();
        if (trusted != seen) {
            return trusted;
        }
        IdpMetadata idp = trusted.provider().idp();
        Instant now = clock.instant();
        Trusted next;
        try {
            IdpMetadata kept = keyExpiry.apply(idp, now);
            next = new Trusted(build.apply(kept), keyExpiry.nextExpiry(kept));
        } catch (MetadataException e) {
            LOG.error("{}. Sign-ins are refused (idp_metadata_expired) until a refresh of the IdP metadata brings one.",
                    e.getMessage());
            next = new Trusted(build.apply(IdpKeyExpiry.unusable(idp, now)), null);
        }
        // A refresh that replaced the metadata meanwhile wins: it was read (and filtered) at a later instant.
        return current.compareAndSet(trusted, next) ? next : current.get();
    }

    private Trusted initial() {
        try {
            byte[] bytes = fetcher.fetch(location);
            Trusted provider = build(bytes);
            saveBackup(bytes);
            status = new Status(String.valueOf(location), clock.instant(), null);
            return provider;
        } catch (MetadataException e) {
            if (backup != null && Files.isReadable(backup)) {
                try {
                    Trusted provider = build(Files.readAllBytes(backup));
                    status = new Status("saved copy " + backup, clock.instant(), null);
                    LOG.warn("IdP metadata from [{}] is unavailable ({}); using the last good copy saved at [{}] until a refresh"
                            + " succeeds", location, e.getMessage(), backup);
                    return provider;
                } catch (IOException | MetadataException backupFailure) {
                    throw new ConfigurationException("idpMetadata", e.getMessage() + "; the saved copy " + backup
                            + " cannot be used either (" + backupFailure.getMessage() + ").", e);
                }
            }
            throw new ConfigurationException("idpMetadata", e.getMessage() + ".", e);
        }
    }

    /** Where the metadata in use came from, when it was read and when it is read next. */
    Status status() {
        return status;
    }

    private Trusted build(byte[] bytes) throws MetadataException {
        Instant now = clock.instant();
        IdpMetadata idp = keyExpiry.apply(parser.parse(bytes, entityId, now, metadataSigner), now);
        try {
            return new Trusted(build.apply(idp), keyExpiry.nextExpiry(idp));
        } catch (IllegalArgumentException e) {
            throw new MetadataException(e.getMessage(), e);
        }
    }

    /** Reads the metadata again now; returns whether it worked. Also what the timer runs. */
    boolean refresh() {
        ServiceProvider previous = current.get().provider();
        try {
            byte[] bytes = fetcher.fetch(location);
            Trusted fresh = build(bytes);
            current.set(fresh);
            status = new Status(String.valueOf(location), clock.instant(), null);
            saveBackup(bytes);
            reportChanges(previous.idp(), fresh.provider().idp());
            schedule(delayAfterSuccess(fresh.provider().idp()));
            return true;
        } catch (MetadataException | RuntimeException e) {
            Duration retry = interval.compareTo(RETRY_DELAY) < 0 ? interval : RETRY_DELAY;
            LOG.warn("Refreshing IdP metadata from [{}] failed, the previous metadata stays in use (retry in {}): {}",
                    location, retry, e.getMessage());
            schedule(retry);
            return false;
        }
    }

    private static void reportChanges(IdpMetadata before, IdpMetadata after) {
        if (!before.signingCertificates().equals(after.signingCertificates())) {
            LOG.info("IdP [{}] signing keys changed: {} before, {} now", after.entityId(), before.signingCertificates().size(),
                    after.signingCertificates().size());
        }
        if (!before.singleSignOnServices().equals(after.singleSignOnServices())
                || !before.singleLogoutServices().equals(after.singleLogoutServices())) {
            LOG.info("IdP [{}] endpoints changed", after.entityId());
        }
        if (before.wantAuthnRequestsSigned() != after.wantAuthnRequestsSigned()) {
            LOG.info("IdP [{}] {} asks for signed AuthnRequests (WantAuthnRequestsSigned)", after.entityId(),
                    after.wantAuthnRequestsSigned() ? "now" : "no longer");
        }
    }

    /** How long to keep metadata: the interval, or sooner as its cacheDuration or validUntil require. */
    Duration delayAfterSuccess(IdpMetadata idp) {
        Duration delay = interval;
        if (idp.cacheDuration() != null && idp.cacheDuration().compareTo(delay) < 0) {
            delay = idp.cacheDuration();
        }
        if (idp.validUntil() != null) {
            Duration half = Duration.between(clock.instant(), idp.validUntil()).dividedBy(2);
            if (half.compareTo(delay) < 0) {
                delay = half;
            }
        }
        return delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay;
    }

    private synchronized void schedule(Duration delay) {
        if (timer.isShutdown()) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = timer.schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
        Status now = status;
        if (now != null) {
            status = new Status(now.source(), now.read(), clock.instant().plus(delay));
        }
    }

    private void saveBackup(byte[] bytes) {
        if (backup == null) {
            return;
        }
        try {
            Files.createDirectories(backup.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(backup.toAbsolutePath().getParent(), ".idp-metadata", ".tmp");
            Files.write(temporary, bytes);
            try {
                Files.move(temporary, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, backup, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Cannot save the IdP metadata copy at [{}]: {}", backup, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
