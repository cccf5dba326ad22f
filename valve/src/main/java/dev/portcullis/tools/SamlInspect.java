package dev.portcullis.tools;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.config.Setting;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.SecureXml;

/**
 * {@code saml-inspect}: the operator's tool for debugging a sign-in. It decodes a SAML message or
 * metadata however it was captured, prints it as indented XML and as a short summary, and, given the
 * valve's settings, validates a Response offline with the valve's own classes, at a chosen instant
 * and against a chosen AuthnRequest ID, explaining every step in plain words. It ships in the valve
 * JAR, so on the server it runs with exactly the code the valve runs:
 *
 * <pre>
 * java -cp $CATALINA_BASE/lib/portcullis-valve-*.jar dev.portcullis.tools.SamlInspect --help
 * </pre>
 *
 * <p>The run, in order:
 * <ol>
 *   <li>parse the options ({@link InspectOptions}); with settings, build them through the valve's
 *       {@code SettingsBuilder} and load the IdP metadata the running valve trusts: its saved copy
 *       for URL metadata from {@code --server-xml}, else as the valve would load it at start
 *       ({@link ValveSetup}); any problem there ends the run with status 2 before the input is read
 *       (an SP key the valve would refuse is left out instead, and said so);</li>
 *   <li>read the file or standard input and work out what it is ({@link InputDecoder}; the
 *       HTTP-Redirect binding goes through the valve's bounded {@code RedirectDecoder});</li>
 *   <li>parse it with {@link SecureXml}, the valve's only XML parser (no DTD, no entities);</li>
 *   <li>print the XML ({@link XmlView}, labelled as a reformatted view and not the signed bytes)
 *       and the summary ({@link MessageSummary}, {@link MetadataSummary});</li>
 *   <li>for a Response with settings, validate with the valve's own steps ({@link OfflineValidation}), as of
 *       the moment it arrived; for a saved copy, check the URL's current metadata beside it.</li>
 * </ol>
 * Exit status ({@link ExitStatus}): 0 valid, or decoded and described when there is nothing to
 * validate; 1 invalid, refused or unreadable input; 2 usage or configuration error, in one line on
 * standard error. No stack trace is printed for any of these.
 *
 * <p>Nothing here writes to the valve's caches or logs, nothing is sent anywhere (the only network
 * access is fetching IdP metadata from an https URL the settings name), and private keys are never
 * printed. One instance serves one run at a time.
 */
public final class SamlInspect {

    private final Clock clock;
    private final Properties system;
    private final Function<String, String> environment;
    private final boolean stdinIsTerminal;
    private final SecureXml xml = new SecureXml();

    /**
     * @param clock           "now" when no {@code --at} is given
     * @param system          system properties for {@code ${...}} in server.xml
     * @param environment     environment variables, by name
     * @param stdinIsTerminal standard input is a terminal (then it is not read: nobody is typing a message in)
     */
    SamlInspect(Clock clock, Properties system, Function<String, String> environment, boolean stdinIsTerminal) {
        this.clock = clock;
        this.system = system;
        this.environment = environment;
        this.stdinIsTerminal = stdinIsTerminal;
    }

    public static void main(String[] args) {
        // Santuario logs a WARNING through java.util.logging for every signature that does not verify; the
        // report says it in words, so its console line would only interleave with the report.
        java.util.logging.Logger santuario = java.util.logging.Logger.getLogger(
                org.apache.xml.security.Init.class.getPackageName());
        santuario.setLevel(java.util.logging.Level.OFF);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        SamlInspect inspect = new SamlInspect(Clock.systemUTC(), System.getProperties(), System::getenv, System.console() != null);
        ExitStatus status = inspect.run(args, System.in, out, err);
        out.flush();
        err.flush();
        java.lang.ref.Reference.reachabilityFence(santuario);
        System.exit(status.code());
    }

    /** One run: reads {@code stdin} when no file is named, writes the report to {@code out}, problems to {@code err}. */
    ExitStatus run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        try {
            return inspect(InspectOptions.parse(args), stdin, out);
        } catch (UsageException e) {
            err.println("saml-inspect: " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (RuntimeException e) {
            // A bug, not an expected error: say so, show where, and never report the input as valid.
            err.println("saml-inspect: unexpected error, please report it: " + e);
            e.printStackTrace(err);
            return ExitStatus.INVALID;
        }
    }

    private ExitStatus inspect(InspectOptions options, InputStream stdin, PrintStream out) throws UsageException {
        if (options.help()) {
            out.print(InspectOptions.USAGE);
            return ExitStatus.OK;
        }
        Report report = new Report(out);
        Instant at = options.at() != null ? options.at() : clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ValveSetup setup = null;
        ValveSetup.LoadedIdp idp = null;
        if (options.validates()) {
            setup = ValveSetup.load(options, system, environment, xml);
            idp = setup.loadIdp(at, xml);
        }
        int maxSize = setup != null ? setup.settings().maxResponseSize()
                : (Integer) Setting.MAX_RESPONSE_SIZE.parse(Setting.MAX_RESPONSE_SIZE.defaultValue());

        boolean pasted = options.input() != null && isPasted(options.input());
        String source = options.input() == null ? "standard input" : pasted ? "the argument" : options.input();
        InputDecoder.Decoded decoded;
        try {
            byte[] input = pasted ? options.input().getBytes(StandardCharsets.UTF_8) : read(options.input(), stdin);
            decoded = new InputDecoder(maxSize).decode(input);
        } catch (InputDecoder.UnreadableInput e) {
            report.line("Input: " + Text.safe(source));
            report.line("Refused: " + Text.safe(e.getMessage()));
            if (e.refusal() != null) {
                report.indented(1, e.refusal().code().code() + ": " + Text.safe(e.refusal().detail()));
            }
            return ExitStatus.INVALID;
        }
        report.line("Input: " + Text.safe(source) + ": " + decoded.form() + " (" + decoded.xml().length + " bytes of XML)");
        decoded.notes().forEach(note -> report.indented(1, "note: " + note));

        Document document;
        try {
            document = xml.parse(decoded.xml());
        } catch (SamlValidationException e) {
            report.line("Refused: not well-formed XML the valve would read");
            report.indented(1, e.code().code() + ": " + Text.safe(e.detail()));
            return ExitStatus.INVALID;
        }
        Element root = document.getDocumentElement();
        MessageKind kind = MessageKind.of(root);
        report.line("Kind: " + kind.label());

        printXml(report, options, decoded.xml(), document);

        report.section("Summary (what the message says; nothing in it is verified here)");
        if (kind == MessageKind.METADATA) {
            boolean usable = new MetadataSummary(report, at, xml).print(root, decoded.xml(), options.entity());
            settingsUnused(report, setup, kind);
            return usable ? ExitStatus.OK : ExitStatus.INVALID;
        }
        new MessageSummary(report, at).print(kind, root, decoded.parameters());
        if (kind == MessageKind.NOT_SAML) {
            report.line("");
            report.line("Refused: this is not a SAML 2.0 message or metadata");
            return ExitStatus.INVALID;
        }
        if (kind != MessageKind.RESPONSE) {
            settingsUnused(report, setup, kind);
            return ExitStatus.OK;
        }

        report.section("Validation (the valve's own checks, run offline)");
        if (setup == null) {
            report.line("Not validated: give the valve's settings, with --server-xml $CATALINA_BASE/conf/server.xml or"
                    + " --set externalBaseUrl=... --idp-metadata FILE (see --help).");
            return ExitStatus.OK;
        }
        return validate(report, options, setup, idp, decoded, root, at);
    }

    private ExitStatus validate(Report report, InspectOptions options, ValveSetup setup, ValveSetup.LoadedIdp idp,
                                InputDecoder.Decoded decoded, Element response, Instant now) {
        settings(report, setup);
        if (decoded.binding() == null) {
            report.indented(1, "note: the raw XML is validated from these exact bytes, base64-encoded as HTTP-POST would"
                    + " carry them");
        } else if (SamlConstants.REDIRECT_BINDING.equals(decoded.binding())) {
            report.indented(1, "note: the valve's ACS takes Responses by HTTP-POST only; this one is validated from the"
                    + " inflated XML, base64-encoded as HTTP-POST would carry it");
        }
        // The moment the Response arrived decides the time checks: --at, else the HAR's own record, else now.
        Instant at = options.at() != null ? options.at() : decoded.sent() != null ? decoded.sent() : now;
        String atSource = options.at() != null ? "--at: when the Response arrived"
                : decoded.sent() != null ? "the HAR's startedDateTime: when the browser posted it" : "now";
        OfflineValidation.Check check = new OfflineValidation.Check(at, atSource, options.at() != null || decoded.sent() != null,
                options.inResponseTo(), options.stepUp(), Elements.attribute(response, "InResponseTo"),
                Elements.instant(response, "IssueInstant"));
        ValveSetup.Fresh fresh = idp.savedCopy() ? setup.freshIdp(now, xml) : null;
        boolean valid = new OfflineValidation(report, setup, xml).run(decoded.postField(), check, idp, fresh);
        return valid ? ExitStatus.OK : ExitStatus.INVALID;
    }

    private void printXml(Report report, InspectOptions options, byte[] bytes, Document document) {
        switch (options.xml()) {
            case NONE -> {
            }
            case RAW -> {
                report.section("XML as decoded (the exact bytes)");
                String text = new String(bytes, StandardCharsets.UTF_8);
                String shown = rawSafe(text);
                report.raw(shown);
                if (!shown.equals(text)) {
                    report.warning(0, "control characters were written as \\uXXXX so they cannot act on the terminal");
                }
            }
            default -> {
                XmlView.Rendering view = XmlView.render(document, options.full());
                report.section("XML, reformatted view (indented for reading: NOT the bytes that were signed; --raw prints those)");
                report.raw(view.text());
                if (view.abbreviated()) {
                    report.line("(long base64 values are shortened; --full shows them whole)");
                }
            }
        }
    }

    /** Raw text with terminal-active characters escaped, line breaks and tabs kept. */
    private static String rawSafe(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\n' && c != '\r' && c != '\t' && Text.isUnsafe(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void settings(Report report, ValveSetup setup) {
        report.line("Settings (through the valve's SettingsBuilder; defaults apply to the rest)");
        for (Map.Entry<String, String> attribute : setup.attributes().entrySet()) {
            boolean secret = attribute.getKey().equals(Setting.SP_KEYSTORE_PASSWORD.attribute());
            report.field(1, attribute.getKey(), secret ? "********" : attribute.getValue());
        }
        setup.notes().forEach(note -> report.indented(1, "note: " + Text.safe(note)));
    }

    private static void settingsUnused(Report report, ValveSetup setup, MessageKind kind) {
        if (setup != null) {
            report.line("");
            report.line("(the valve's settings are used to validate Responses; this is " + kind.label() + ", so nothing"
                    + " was validated against them)");
        }
    }

    /** A URL or query string in place of a file name: an argument that names no file but carries a message. */
    private static boolean isPasted(String argument) {
        boolean message = argument.contains(SamlConstants.SAML_REQUEST + "=") || argument.contains(SamlConstants.SAML_RESPONSE + "=");
        try {
            return message && !Files.exists(Path.of(argument));
        } catch (java.nio.file.InvalidPathException e) {
            return message;
        }
    }

    private byte[] read(String name, InputStream stdin) throws UsageException, InputDecoder.UnreadableInput {
        Path file = name == null ? null : Path.of(name);
        if (file == null) {
            if (stdinIsTerminal) {
                throw new UsageException("no input: name a FILE, or pipe the message in (saml-inspect --help)");
            }
            return bounded(stdin, "standard input");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return bounded(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    private static byte[] bounded(InputStream in, String what) throws UsageException, InputDecoder.UnreadableInput {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > InputDecoder.MAX_INPUT) {
                    throw new InputDecoder.UnreadableInput("larger than " + InputDecoder.MAX_INPUT / (1024 * 1024)
                            + " MB; no SAML message is", null);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " (" + e.getMessage() + ")");
        }
    }
}
