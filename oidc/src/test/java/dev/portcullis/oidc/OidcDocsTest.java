package dev.portcullis.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The docs repeat three lists from this package; this keeps them equal to the code: README's OIDC troubleshooting
 * table (every {@link OidcErrorCode} with its description) and docs/SECURITY.md's ID token and logout token steps
 * (every {@link IdTokenCheck} and {@link LogoutTokenCheck} key, in order).
 */
class OidcDocsTest {

    private static String read(String file) throws IOException {
        return Files.readString(Path.of("..", file), StandardCharsets.UTF_8);
    }

    @Test
    void theReadmeListsEveryOidcErrorCode() throws IOException {
        String readme = read("README.md");
        List<String> missing = new ArrayList<>();
        for (OidcErrorCode code : OidcErrorCode.values()) {
            String row = "| `" + code.code() + "` | " + code.description().replace("|", "\\|").replace("<", "&lt;")
                    .replace(">", "&gt;") + " |";
            if (!readme.contains(row)) {
                missing.add(row);
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void securityMdListsEveryTokenStepInOrder() throws IOException {
        String security = read("docs/SECURITY.md");
        int at = security.indexOf("ID token steps (`IdTokenCheck`");
        assertThat(at).isPositive();
        for (IdTokenCheck check : IdTokenCheck.values()) {
            int next = security.indexOf("\n- `" + check.key() + "`:", at);
            assertThat(next).as("ID token step %s after the previous one", check.key()).isGreaterThan(at);
            at = next;
        }
        at = security.indexOf("Logout token steps (`LogoutTokenCheck`");
        assertThat(at).isPositive();
        for (LogoutTokenCheck check : LogoutTokenCheck.values()) {
            int next = security.indexOf("\n- `" + check.key() + "`:", at);
            assertThat(next).as("logout token step %s after the previous one", check.key()).isGreaterThan(at);
            at = next;
        }
    }
}
