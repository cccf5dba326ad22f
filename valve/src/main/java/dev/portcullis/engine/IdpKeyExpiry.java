package dev.portcullis.engine;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.MetadataException;

/**
 * What an expired IdP signing certificate means, applied where the metadata is read
 * ({@code idpCertificateExpiry}). In SAML the certificate in metadata is only a container for the
 * key: the SAML V2.0 Metadata Interoperability Profile (its key processing rules) says its validity dates are not
 * to be enforced, and Shibboleth SP follows it. So by default ({@link #WARN}) an expired certificate's
 * key stays trusted, with a warning at start. {@link #REFUSE} is the stricter choice: a key whose
 * certificate has expired is dropped from the IdP's trusted keys when the metadata is read, and, while
 * the metadata stays loaded, at the moment it expires ({@link #nextExpiry}); metadata with no key left
 * is refused. Immutable.
 */
enum IdpKeyExpiry {

    /** Expired certificates keep their keys trusted (the interoperability profile). */
    WARN,
    /** A key is trusted only until its certificate's notAfter. */
    REFUSE;

    private static final Logger LOG = LogManager.getLogger(IdpTrust.class);

    /**
     * The metadata with the keys this policy trusts at {@code now}.
     *
     * @throws MetadataException when none is left
     */
    IdpMetadata apply(IdpMetadata idp, Instant now) throws MetadataException {
        if (this == WARN) {
            return idp;
        }
        List<X509Certificate> valid = new ArrayList<>();
        for (X509Certificate certificate : idp.signingCertificates()) {
            if (now.isBefore(certificate.getNotAfter().toInstant())) {
                valid.add(certificate);
            } else {
                LOG.warn("The IdP signing certificate [{}] expired on {}: its key is no longer trusted"
                        + " (idpCertificateExpiry=refuse); {} signing key(s) of IdP [{}] remain",
                        certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant(),
                        idp.signingCertificates().size() - countExpired(idp, now), idp.entityId());
            }
        }
        if (valid.isEmpty()) {
            throw new MetadataException("every signing certificate of IdP [" + idp.entityId() + "] has expired (the last"
                    + " on " + latestNotAfter(idp) + ") and idpCertificateExpiry=refuse trusts no expired key; the IdP"
                    + " must publish a current certificate");
        }
        if (valid.size() == idp.signingCertificates().size()) {
            return idp;
        }
        return new IdpMetadata(idp.entityId(), valid, idp.singleSignOnServices(), idp.singleLogoutServices(),
                idp.wantAuthnRequestsSigned(), idp.validUntil(), idp.cacheDuration());
    }

    /** When the next trusted key expires (and {@link #apply} must run again), or null when that never matters. */
    Instant nextExpiry(IdpMetadata idp) {
        if (this == WARN) {
            return null;
        }
        return idp.signingCertificates().stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElse(null);
    }

    /**
     * The metadata as no longer usable for sign-ins: its validUntil set to {@code now}, so that every
     * Response is refused with {@code idp_metadata_expired} until a refresh brings a current key.
     */
    static IdpMetadata unusable(IdpMetadata idp, Instant now) {
        return new IdpMetadata(idp.entityId(), idp.signingCertificates(), idp.singleSignOnServices(),
                idp.singleLogoutServices(), idp.wantAuthnRequestsSigned(), now, idp.cacheDuration());
    }

    private static long countExpired(IdpMetadata idp, Instant now) {
        return idp.signingCertificates().stream().filter(c -> !now.isBefore(c.getNotAfter().toInstant())).count();
    }

    private static Instant latestNotAfter(IdpMetadata idp) {
        return idp.signingCertificates().stream().map(c -> c.getNotAfter().toInstant()).max(Instant::compareTo).orElse(null);
    }
}
