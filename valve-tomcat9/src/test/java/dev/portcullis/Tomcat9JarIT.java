package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;

import dev.portcullis.build.tomcat9.ApiCheck;

/**
 * The Tomcat 9 JAR as built, checked against Tomcat 9.0's own classes ({@code tomcat-embed-core-9.0.98.jar})
 * without running it: this is where the build fails when a change to the valve uses something Tomcat 9
 * does not have, naming it. The same check of the main JAR against Tomcat 11 shows the check is not
 * noisy, and against Tomcat 9 that it can fail.
 */
class Tomcat9JarIT {

    private static final Path TOMCAT9_JAR = Path.of(System.getProperty("portcullis.tomcat9Jar"));
    private static final Path MAIN_JAR = Path.of(System.getProperty("portcullis.valveJar"));
    private static final Path CLUSTER_JAR = Path.of(System.getProperty("portcullis.clusterJar"));
    private static final Path TOMCAT9_API = Path.of(System.getProperty("portcullis.tomcat9Api"));
    private static final Path TOMCAT11_API = Path.of(System.getProperty("portcullis.tomcat11Api"));

    @Test
    void everyTomcatAndServletReferenceResolvesOnTomcat9() {
        assertThat(ApiCheck.problems(TOMCAT9_JAR, List.of(TOMCAT9_API))).isEmpty();
    }

    @Test
    void theMainJarResolvesOnTomcat11AndNotOnTomcat9() {
        assertThat(ApiCheck.problems(MAIN_JAR, List.of(TOMCAT11_API))).isEmpty();
        assertThat(ApiCheck.problems(MAIN_JAR, List.of(TOMCAT9_API)))
                .anySatisfy(p -> assertThat(p).contains("uses class jakarta/servlet/"))
                .anySatisfy(p -> assertThat(p).contains("GenericPrincipal.<init>(Ljava/lang/String;Ljava/util/List;)V"));
    }

    /** A method that overrides Tomcat 11's but nothing of Tomcat 9's would simply never be called there. */
    @Test
    void everyOverrideOfATomcat11MethodOverridesTheSameOnTomcat9() {
        Set<String> on11 = ApiCheck.overrides(MAIN_JAR, List.of(TOMCAT11_API), name -> name.replace("jakarta/servlet/", "javax/servlet/"));
        Set<String> on9 = ApiCheck.overrides(TOMCAT9_JAR, List.of(TOMCAT9_API), name -> name);

        assertThat(on11).contains("dev/portcullis/SsoValve.invoke(Lorg/apache/catalina/connector/Request;"
                + "Lorg/apache/catalina/connector/Response;)V", "dev/portcullis/SsoValve.startInternal()V");
        Set<String> lost = new TreeSet<>(on11);
        lost.removeAll(on9);
        assertThat(lost).as("overrides Tomcat 9 never calls").isEmpty();
    }

    @Test
    void noClassNamesJakartaServletAnyMore() throws IOException {
        List<String> named = new ArrayList<>();
        try (ZipFile zip = new ZipFile(TOMCAT9_JAR.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String text = new String(read(zip, entry), StandardCharsets.ISO_8859_1);
                if (text.contains("jakarta/servlet") || text.contains("jakarta.servlet")) {
                    named.add(entry.getName());
                }
            }
        }
        assertThat(named).isEmpty();
    }

    /** The cluster add-on never touches Tomcat or the Servlet API, so the one JAR serves Tomcat 9 to 11. */
    @Test
    void theClusterAddOnNeedsNoTomcat9Form() throws IOException {
        List<String> touching = new ArrayList<>();
        try (ZipFile zip = new ZipFile(CLUSTER_JAR.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String text = new String(read(zip, entry), StandardCharsets.ISO_8859_1);
                for (String api : List.of("jakarta/servlet", "javax/servlet", "org/apache/catalina", "org/apache/tomcat",
                        "org/apache/coyote", "org/apache/juli")) {
                    if (text.contains(api) || text.contains(api.replace('/', '.'))) {
                        touching.add(entry.getName() + " names " + api);
                    }
                }
            }
            assertThat(zip.size()).isGreaterThan(100);
        }
        assertThat(touching).isEmpty();
        assertThat(ApiCheck.problems(CLUSTER_JAR, List.of(TOMCAT9_API))).isEmpty();
    }

    /**
     * {@code saml-inspect} runs from the Tomcat 9 JAR as from the main one (README, Troubleshooting): a real
     * SimpleSAMLphp response validates offline, and the same one answering another request does not.
     */
    @Test
    void samlInspectRunsFromTheTomcat9Jar() throws Exception {
        Path golden = Path.of(System.getProperty("portcullis.golden"), "simplesamlphp-default");
        java.util.Properties expect = new java.util.Properties();
        try (InputStream in = Files.newInputStream(golden.resolve("expect.properties"))) {
            expect.load(in);
        }
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", TOMCAT9_JAR.toString(),
                "dev.portcullis.tools.SamlInspect", "--no-xml", "--set", "externalBaseUrl=http://localhost:8080", "--idp-metadata",
                golden.resolve("idp-metadata.xml").toString(), "--at", expect.getProperty("validateAt"), "--in-response-to");

        Inspection accepted = inspect(command, expect.getProperty("requestId"), golden.resolve("response.b64"));
        Inspection refused = inspect(command, "_another-request", golden.resolve("response.b64"));

        assertThat(accepted.status()).as(accepted.output()).isZero();
        assertThat(accepted.output()).contains("alice");
        assertThat(refused.status()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("invalid_in_response_to");
    }

    private record Inspection(int status, String output) {
    }

    private static Inspection inspect(List<String> command, String requestId, Path response) throws Exception {
        List<String> all = new ArrayList<>(command);
        all.add(requestId);
        all.add(response.toString());
        Process process = new ProcessBuilder(all).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Inspection(process.exitValue(), output);
    }

    /** The same promise as the main JAR's (docs/PERFORMANCE.md): at most 8 MB. */
    @Test
    void theJarStaysWithinEightMegabytes() throws IOException {
        assertThat(Files.size(TOMCAT9_JAR)).as("bytes of %s", TOMCAT9_JAR.getFileName()).isLessThanOrEqualTo(8_000_000L);
    }

    /**
     * Java 8 to 16 read the base entry, a class compiled for Java 8 that names nothing else of Portcullis; 17+
     * read the real valve from META-INF/versions/17.
     */
    @Test
    void oldJavaReadsAClassOfItsOwnVersionThatTouchesNothingCompiledFor17() throws IOException {
        try (JarFile jar = new JarFile(TOMCAT9_JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            byte[] base = read(jar, jar.getEntry("dev/portcullis/SsoValve.class"));
            byte[] real = read(jar, jar.getEntry("META-INF/versions/17/dev/portcullis/SsoValve.class"));

            assertThat(majorVersion(base)).as("Java 8's class file version").isEqualTo(52);
            assertThat(majorVersion(real)).as("Java 17's").isEqualTo(61);
            assertThat(superName(base)).isEqualTo("org/apache/catalina/valves/ValveBase");
            assertThat(namedPortcullisClasses(base)).containsOnly("dev/portcullis/SsoValve");
            assertThat(namedPortcullisClasses(real)).as("the real one is the valve").contains("dev/portcullis/engine/SsoEngine");
            assertThat(jar.stream().filter(e -> e.getName().startsWith("META-INF/versions/")).map(ZipEntry::getName))
                    .as("nothing else differs by Java version").containsExactly("META-INF/versions/17/dev/portcullis/SsoValve.class");
        }
    }

    private static int majorVersion(byte[] classFile) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(classFile))) {
            assertThat(in.readInt()).isEqualTo(0xCAFEBABE);
            in.readUnsignedShort();
            return in.readUnsignedShort();
        }
    }

    private static String superName(byte[] classFile) {
        return new ClassReader(classFile).getSuperName();
    }

    /** Classes under dev/portcullis named anywhere in the class file's constant pool. */
    private static Set<String> namedPortcullisClasses(byte[] classFile) {
        Set<String> named = new TreeSet<>();
        ClassReader reader = new ClassReader(classFile);
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset > 0 && classFile[offset - 1] == 7) { // CONSTANT_Class
                String name = reader.readUTF8(offset, buffer);
                if (name.startsWith("dev/portcullis/")) {
                    named.add(name);
                }
            }
        }
        reader.accept(new ClassVisitor(Opcodes.ASM9) { }, 0);
        return named;
    }

    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
