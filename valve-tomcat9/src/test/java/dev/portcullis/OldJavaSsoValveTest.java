package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sentence the Tomcat 9 JAR's Java 8 entry class says on a runtime older than 17 (this module's SsoValve). */
class OldJavaSsoValveTest {

    @Test
    void namesTheJavaNeededAndTheOneRunning() {
        assertThat(SsoValve.message("11", "/usr/lib/jvm/java-11-openjdk-amd64")).isEqualTo("Portcullis needs Java 17 or newer,"
                + " and this Tomcat runs on Java 11 (/usr/lib/jvm/java-11-openjdk-amd64): start Tomcat with a Java 17+ runtime"
                + " (JAVA_HOME or JRE_HOME, for example in bin/setenv.sh); Portcullis will not start, and its Host serves nothing"
                + " until then.");
        assertThat(SsoValve.message("1.8", "/opt/jre8")).startsWith("Portcullis needs Java 17 or newer, and this Tomcat runs on"
                + " Java 1.8 (/opt/jre8)");
        assertThat(SsoValve.message("16", "/opt/jdk16")).startsWith("Portcullis needs Java 17 or newer");
    }

    /** On 17+ the real class is read instead; seeing this one there means multi-release JARs are off. */
    @Test
    void onJava17OrNewerSaysThatTheRealClassWasNotRead() {
        assertThat(SsoValve.message("17", "/opt/jdk17")).startsWith("Portcullis's JAR was read without its Java 17 classes,"
                + " although this Tomcat runs on Java 17: multi-release JARs are turned off");
        assertThat(SsoValve.message("25", "/opt/jdk25")).contains("runs on Java 25: multi-release");
    }

    @Test
    void readsEveryFormOfTheSpecificationVersion() {
        assertThat(SsoValve.feature("1.8")).isEqualTo(8);
        assertThat(SsoValve.feature("11")).isEqualTo(11);
        assertThat(SsoValve.feature("17")).isEqualTo(17);
        assertThat(SsoValve.feature("17.0.1")).isEqualTo(17);
        assertThat(SsoValve.feature(null)).isZero();
        assertThat(SsoValve.feature("x")).isZero();
    }
}
