package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathPatternsTest {

    @Test
    void slashStarMatchesEverything() {
        PathPatterns all = PathPatterns.parse("p", "/*");
        assertThat(all.matches("/")).isTrue();
        assertThat(all.matches("/a/b;c")).isTrue();
    }

    @Test
    void aPrefixMatchesItselfAndBelowButNotASiblingWithTheSameStart() {
        PathPatterns p = PathPatterns.parse("p", "/public/*");
        assertThat(p.matches("/public")).isTrue();
        assertThat(p.matches("/public/")).isTrue();
        assertThat(p.matches("/public/a/b")).isTrue();
        assertThat(p.matches("/publicity")).isFalse();
        assertThat(p.matches("/admin/public/")).isFalse();
    }

    @Test
    void anExtensionMatchesTheLastSegmentOnly() {
        PathPatterns p = PathPatterns.parse("p", "*.css");
        assertThat(p.matches("/app/site.css")).isTrue();
        assertThat(p.matches("/app/.css")).isFalse();
        assertThat(p.matches("/app/site.css/admin")).isFalse();
        assertThat(p.matches("/app/site.cssx")).isFalse();
    }

    @Test
    void anExactPathMatchesOnlyItself() {
        PathPatterns p = PathPatterns.parse("p", "/health");
        assertThat(p.matches("/health")).isTrue();
        assertThat(p.matches("/health/")).isFalse();
        assertThat(p.matches("/healthz")).isFalse();
    }

    @Test
    void acceptsCommasAndWhitespaceBetweenPatterns() {
        PathPatterns p = PathPatterns.parse("p", " /a/*,\n *.js  /exact ");
        assertThat(p.matches("/a/x")).isTrue();
        assertThat(p.matches("/x.js")).isTrue();
        assertThat(p.matches("/exact")).isTrue();
        assertThat(p.matches("/b")).isFalse();
    }

    @Test
    void isCaseSensitiveLikeTomcatsMapper() {
        assertThat(PathPatterns.parse("p", "/public/*").matches("/PUBLIC/x")).isFalse();
    }

    @Test
    void refusesPatternsTheServletSyntaxDoesNotHave() {
        for (String bad : new String[] {"/a/*.css", "public/*", "/a*", "*", "**/x", "*.c/s"}) {
            assertThatThrownBy(() -> PathPatterns.parse("excludedPaths", bad)).as(bad)
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("'excludedPaths'");
        }
    }

    @Test
    void anEmptyListMatchesNothing() {
        assertThat(PathPatterns.parse("p", "").isEmpty()).isTrue();
        assertThat(PathPatterns.parse("p", "").matches("/")).isFalse();
    }
}
