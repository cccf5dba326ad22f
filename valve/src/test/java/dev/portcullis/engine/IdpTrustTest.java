package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataFetcher;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;

/** When {@link IdpTrust} reads the IdP metadata again: its own interval, shortened by what the metadata says. */
class IdpTrustTest {

    private static final String IDP = "https://idp.example.test/entity";
    private static final String SSO = "https://idp.example.test/sso";
    private static final TestCredentials KEY = TestCredentials.rsa("idp-key-a");

    private final TestClock clock = new TestClock(Instant.now());

    @Test
    void refreshesSoonerWhenTheMetadataSaysSo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("idp.xml");
        Files.writeString(file, new IdpMetadataWriter(IDP).singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, SSO)
                .signingCertificate(KEY).toString());
        try (IdpTrust trust = IdpTrust.start(file, null, null, Duration.ofHours(1), clock,
                new MetadataFetcher(Duration.ofSeconds(5)), new IdpMetadataParser(new SecureXml()), null,
                IdpKeyExpiry.WARN, idp -> new ServiceProvider(idp, null, null))) {
            Instant now = clock.instant();
            assertThat(trust.delayAfterSuccess(idp(null, null))).isEqualTo(Duration.ofHours(1));
            assertThat(trust.delayAfterSuccess(idp(null, Duration.ofMinutes(20)))).isEqualTo(Duration.ofMinutes(20));
            assertThat(trust.delayAfterSuccess(idp(now.plus(Duration.ofMinutes(30)), null))).isEqualTo(Duration.ofMinutes(15));
            assertThat(trust.delayAfterSuccess(idp(now.plus(Duration.ofSeconds(30)), null))).isEqualTo(IdpTrust.MIN_DELAY);
        }
    }

    private static IdpMetadata idp(Instant validUntil, Duration cacheDuration) {
        return new IdpMetadata(IDP, List.of(KEY.certificate()), Map.of(SamlConstants.REDIRECT_BINDING, SSO), Map.of(), false,
                validUntil, cacheDuration);
    }
}
