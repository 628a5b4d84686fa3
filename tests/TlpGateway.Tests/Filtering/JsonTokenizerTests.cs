using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using FsCheck;
using FsCheck.Fluent;
using MispSimulator;
using TlpGateway.Filtering;
using TlpGateway.Shapes;

namespace TlpGateway.Tests.Filtering;

/// <summary>
/// The filter's tokenizer against <see cref="Utf8JsonReader"/> with the filter's options: on the
/// same bytes, whole or fed in chunks as the filter feeds it, the same tokens at the same ranges and
/// depths, and the same refusal at the same token. Inputs are MISP answers, real and generated, and
/// documents written for the grammar's corners, each mutated a few bytes at a time. Set
/// TLPGW_FUZZ_RUNS for a longer run.
/// </summary>
public sealed class JsonTokenizerTests
{
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("TLPGW_FUZZ_RUNS"), out var runs) ? runs * 10 : 3000;

    // What a mutation puts in: the grammar's bytes, the starts of literals and numbers, controls, and a non-ASCII letter.
    private static readonly byte[] Alphabet = "{}[],:\"\\/ \t\r\n0123456789-+.eEtrufalsnx*"u8.ToArray().Concat(new byte[] { 0, 0x1F, 0x7F, 0xC3, 0xA9 }).ToArray();

    private static readonly string[] Corners =
    [
        """{"a":1,"b":-0.5e+10,"c":[true,false,null],"d":{},"e":[],"f":"x\"y\\z\/\b\f\n\r\t\u00e9\uD83D\uDE00","g":0,"h":-0,"i":1E5,"j":12.0e-3}""",
        "[ 1 , \"two\" ,\t{ \"three\" :\r\n  [ 3 ] } , null ]",
        """{"response":[{"Event":{"id":"1","Tag":[{"name":"tlp:red"}],"Attribute":{"0":{"value":"é"},"2":{"value":"\u0041"}}}}]}""",
        "\"a lone string\" ",
        "12345",
        "-1.25E-7 ",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        """{"\u0054ag":[],"T\u0061g":{"name":"\\"}}""",
        "{}",
        "[]",
        """[01, 1.]""",
        """{"a" 1}""",
        """[1,]""",
        """{"a":1,}""",
        """["\u12G4"]""",
        """{"\uD800":"\uDC00x","\uD83D\uDE00":"\ud83d\ude00","t\u0061g\n":"\/"}""",
        "[tru]",
        "[nul, fals]",
        "\uFEFF{}",
        "{\"a\":1}/",
        "{\"a\":1} x",
        "  ",
        "",
    ];

    private static readonly byte[][] Corpus = Corners.Select(Encoding.UTF8.GetBytes)
        .Concat(new[] { "events_view_rich__orgC.json", "events_index_minimal_published__orgC.json", "sightings_restSearch_event__orgC.json", "servers_getVersion__orgC.json" }.Select(FilterHarness.Capture))
        .Append(EventGenerator.RestSearch(7, 6_000))
        .ToArray();

    [Fact]
    public void Tokenizer_CornerDocuments_ReadAsUtf8JsonReaderReadsThem()
    {
        foreach (var document in Corpus)
        {
            AssertSame(document, chunk: int.MaxValue);
            AssertSame(document, chunk: 1);
        }
    }

    [Fact]
    public void Tokenizer_MutatedInput_ReadAsUtf8JsonReaderReadsIt()
    {
        var mutation = from position in Gen.Choose(0, int.MaxValue)
                       from operation in Gen.Choose(0, 2)
                       from replacement in Gen.Elements(Alphabet)
                       select (position, operation, replacement);
        var cases = from document in Gen.Choose(0, Corpus.Length - 1)
                    from count in Gen.Choose(0, 3)
                    from mutations in Gen.ListOf(mutation, count)
                    from chunk in Gen.OneOf(Gen.Constant(int.MaxValue), Gen.Choose(1, 12), Gen.Choose(13, 4096))
                    select (document, mutations, chunk);

        FsCheck.Fluent.Prop.ForAll(Arb.From(cases), c =>
        {
            var input = Mutate(Corpus[c.document], c.mutations);
            AssertSame(input, c.chunk);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Runs));
    }

    [Fact]
    public void Tokenizer_NameOrValueCutAtEveryByte_ResumesWithTheSameTokens()
    {
        // Every cut point of a document dense with tokens of every kind, as two buffers.
        byte[] document = [.. "["u8, .. Encoding.UTF8.GetBytes(Corners[0]), .. ","u8, .. Encoding.UTF8.GetBytes(Corners[2]), .. "]"u8];
        var expected = ReadWithUtf8JsonReader(document, int.MaxValue);
        Assert.Null(expected.Error);
        for (var cut = 0; cut <= document.Length; cut++)
        {
            var tokens = ReadWithTokenizer(document, [cut, document.Length - cut]);
            Assert.Null(tokens.Error);
            Assert.Equal(expected.Tokens, tokens.Tokens);
        }
    }

    [Theory]
    [InlineData("{\"id\":1,\"id\":2}", 3, true)]
    [InlineData("{ \"id\":1 , \"id\": 2}", 3, true)]
    [InlineData("[1,\"id\":2]", 2, false)]
    [InlineData("{\"id\" :1,\"id\" :2}", 3, false)]
    [InlineData("{\"id\":1,\"idx\":2}", 3, false)]
    [InlineData("{\"id\":1,\"i\\u0064\":2}", 3, false)]
    [InlineData("{\"id\":{\"id\":2}}", 2, false)]
    public void TryReadName_AfterTokens_ReadsOnlyANameSpelledAsGuessed(string json, int tokensBefore, bool reads)
    {
        // The guess is tried where a name may come next (after a comma in an object); anywhere else,
        // or spelled otherwise (whitespace before the colon, a longer name, an escape), nothing is read.
        var tokenizer = new JsonTokenizer(Encoding.UTF8.GetBytes(json), isFinalBlock: true, default);
        for (var i = 0; i < tokensBefore; i++)
        {
            Assert.True(tokenizer.Read());
        }

        var consumed = tokenizer.BytesConsumed;
        Assert.Equal(reads, tokenizer.TryReadName("\"id\":"u8));
        if (reads)
        {
            Assert.Equal(JsonTokenType.PropertyName, tokenizer.TokenType);
            Assert.Equal("id", Encoding.UTF8.GetString(tokenizer.ValueSpan));
            Assert.False(tokenizer.ValueIsEscaped);
            Assert.True(tokenizer.Read());
            Assert.Equal("2", Encoding.UTF8.GetString(tokenizer.ValueSpan));
        }
        else
        {
            Assert.Equal(consumed, tokenizer.BytesConsumed);
        }
    }

    [Theory]
    [InlineData("[1,]")]
    [InlineData("{\"a\":\"\u0001\"}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":1 \"b\":2}")]
    [InlineData("[1]]")]
    [InlineData("/* comment */ []")]
    public void Tokenizer_MalformedInput_ThrowsFilterException(string json)
    {
        var input = Encoding.UTF8.GetBytes(json);
        var exception = Assert.Throws<FilterException>(() =>
        {
            var tokenizer = new JsonTokenizer(input, isFinalBlock: true, default);
            while (tokenizer.Read())
            {
            }
        });
        Assert.StartsWith("malformed JSON", exception.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"response":[{"Event":{"id":"1","\uD800":"x","Tag":[{"name":"tlp:clear"}]}}]}""")]
    [InlineData("""{"response":[{"Event":{"id":"1","Tag":[{"name":"tlp:\uDC00clear"}]}}]}""")]
    public void Filter_EscapeOfHalfASurrogatePair_EndsTheAnswerAsMalformed(string json)
    {
        var input = Encoding.UTF8.GetBytes(json);
        var filter = new MispResponseFilter(FilterHarness.Context(FilterHarness.Requester(FilterHarness.OrgD, TlpGateway.Tlp.TlpLevel.Green, orgId: "4")), 1024 * 1024, _ => { });
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        var exception = Assert.Throws<FilterException>(() =>
        {
            filter.Write(input, output);
            filter.Complete(output);
        });
        Assert.StartsWith("malformed JSON", exception.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Event\"", Encoding.UTF8.GetString(output.WrittenSpan), StringComparison.Ordinal);
    }

    private static byte[] Mutate(byte[] original, IEnumerable<(int Position, int Operation, byte Replacement)> mutations)
    {
        var bytes = original.ToList();
        foreach (var (position, operation, replacement) in mutations)
        {
            var at = bytes.Count == 0 ? 0 : position % (bytes.Count + (operation == 1 ? 1 : 0));
            switch (operation)
            {
                case 0 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                case 1:
                    bytes.Insert(at, replacement);
                    break;
                case 2 when at < bytes.Count:
                    bytes[at] = replacement;
                    break;
            }
        }

        return [.. bytes];
    }

    private static void AssertSame(byte[] input, int chunk)
    {
        // The filter checks UTF-8 before it tokenizes; only valid input reaches the tokenizer.
        if (!Utf8.IsValid(input))
        {
            return;
        }

        var expected = ReadWithUtf8JsonReader(input, chunk);
        foreach (var guessNames in (bool[])[false, true])
        {
            var actual = ReadWithTokenizer(input, Chunks(input.Length, chunk), guessNames);
            Assert.True(
                expected.Tokens.SequenceEqual(actual.Tokens) && (expected.Error is null) == (actual.Error is null),
                $"input {Convert.ToBase64String(input)} in chunks of {chunk}{(guessNames ? ", names guessed" : "")}: Utf8JsonReader {Describe(expected)}, tokenizer {Describe(actual)}");
        }
    }

    private static string Describe((List<Token> Tokens, string? Error) read) =>
        $"{read.Tokens.Count} tokens, last {(read.Tokens.Count > 0 ? read.Tokens[^1] : null)}, {read.Error ?? "no error"}";

    private static IEnumerable<int> Chunks(int length, int chunk)
    {
        for (var offset = 0; offset < length; offset += chunk)
        {
            yield return Math.Min(chunk, length - offset);
        }
    }

    private static (List<Token> Tokens, string? Error) ReadWithUtf8JsonReader(byte[] input, int chunk)
    {
        var tokens = new List<Token>();
        var state = new JsonReaderState(JsonScan.ReaderOptions);
        var position = 0;
        var end = 0;
        try
        {
            do
            {
                end = (int)Math.Min(input.Length, (long)end + chunk);
                var reader = new Utf8JsonReader(input.AsSpan(position, end - position), end == input.Length, state);
                while (reader.Read())
                {
                    tokens.Add(new Token(reader.TokenType, position + reader.TokenStartIndex, position + reader.BytesConsumed, reader.CurrentDepth, reader.ValueIsEscaped, Value(reader.TokenType, reader.ValueSpan), reader.ValueIsEscaped ? Unescaped(ref reader) : null));
                }

                position += (int)reader.BytesConsumed;
                state = reader.CurrentState;
            }
            while (end < input.Length);

            // Where the reader stands at the end (after trailing whitespace) is where the filter's next byte is.
            tokens.Add(new Token(JsonTokenType.None, position, position, 0, false, null, null));
        }
        catch (JsonException ex)
        {
            return (tokens, ex.Message);
        }

        return (tokens, null);
    }

    // guessNames: before each token, the name NameGuesses learned to follow the last one (or to come
    // first) is tried with TryReadName, as the scan does; a name it reads must be the same token.
    private static (List<Token> Tokens, string? Error) ReadWithTokenizer(byte[] input, IEnumerable<int> chunks, bool guessNames = false)
    {
        var tokens = new List<Token>();
        var guesses = new NameGuesses();
        var last = NameGuesses.None;
        var state = default(JsonTokenizerState);
        var position = 0;
        var end = 0;
        try
        {
            var all = chunks.ToList();
            if (all.Count == 0)
            {
                all.Add(0);
            }

            foreach (var length in all)
            {
                end += length;
                var tokenizer = new JsonTokenizer(input.AsSpan(position, end - position), end == input.Length, state);
                while (Guessed(ref tokenizer) || tokenizer.Read())
                {
                    if (guessNames && tokenizer.TokenType == JsonTokenType.PropertyName)
                    {
                        // An escaped name is never learned (and one of half a UTF-16 pair cannot be unescaped to be looked up).
                        last = guesses.Learn(ref tokenizer, Key.Other, last, tokenizer.ValueIsEscaped ? Key.Other : JsonScan.KeyOf(ref tokenizer));
                    }

                    tokens.Add(new Token(tokenizer.TokenType, position + tokenizer.TokenStartIndex, position + tokenizer.BytesConsumed, tokenizer.CurrentDepth, tokenizer.ValueIsEscaped, Value(tokenizer.TokenType, tokenizer.ValueSpan), tokenizer.ValueIsEscaped ? Unescaped(ref tokenizer) : null));
                }

                position += (int)tokenizer.BytesConsumed;
                state = tokenizer.CurrentState;
            }

            tokens.Add(new Token(JsonTokenType.None, position, position, 0, false, null, null));
        }
        catch (FilterException ex)
        {
            return (tokens, ex.Reason);
        }

        return (tokens, null);

        bool Guessed(ref JsonTokenizer tokenizer) =>
            guessNames && (last == NameGuesses.None ? guesses[guesses.First(Key.Other)] : guesses[last]!.Next) is { } guess && tokenizer.TryReadName(guess.Spelled);
    }

    private static string? Value(JsonTokenType type, ReadOnlySpan<byte> span) =>
        type is JsonTokenType.String or JsonTokenType.PropertyName or JsonTokenType.Number ? Convert.ToHexString(span) : null;

    // An escaped string's text as the filter reads it (an escaped name's key); invalid UTF-16 escapes refuse to be read.
    private static string Unescaped(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "(null)";
        }
        catch (InvalidOperationException)
        {
            return "(invalid UTF-16)";
        }
    }

    private static string Unescaped(ref JsonTokenizer tokenizer)
    {
        try
        {
            return tokenizer.GetString() ?? "(null)";
        }
        catch (FilterException)
        {
            return "(invalid UTF-16)";
        }
    }

    private sealed record Token(JsonTokenType Type, long Start, long End, int Depth, bool Escaped, string? Value, string? Text);
}
