using System.Globalization;

namespace NeuralCore.IO.Internals;

/// <summary>
/// Reads the small subset of Python literal syntax that <c>.npy</c> headers use: quoted strings, <c>True</c>/<c>False</c>
/// and tuples of non-negative integers (a trailing <c>L</c> from Python 2 writers is accepted).
/// </summary>
internal ref struct PythonLiteralReader
{
    private readonly string _text;
    private readonly string _source;
    private int _position;

    public PythonLiteralReader(string text, string source)
    {
        _text = text;
        _source = source;
        _position = 0;
    }

    public char Peek()
    {
        SkipWhitespace();
        return _position < _text.Length ? _text[_position] : '\0';
    }

    public bool TryConsume(char expected)
    {
        if (Peek() != expected)
        {
            return false;
        }

        _position++;
        return true;
    }

    public void Expect(char expected)
    {
        if (!TryConsume(expected))
        {
            throw Error($"expected '{expected}'");
        }
    }

    public void ExpectEnd()
    {
        SkipWhitespace();
        if (_position != _text.Length)
        {
            throw Error("unexpected text after the header dictionary");
        }
    }

    public string ReadString()
    {
        var quote = Peek();
        if (quote is not ('\'' or '"'))
        {
            throw Error("expected a quoted string");
        }

        var end = _text.IndexOf(quote, _position + 1);
        if (end < 0)
        {
            throw Error("unterminated string");
        }

        var value = _text[(_position + 1)..end];
        _position = end + 1;
        return value;
    }

    public bool ReadBoolean()
    {
        SkipWhitespace();
        var rest = _text.AsSpan(_position);
        if (rest.StartsWith("True", StringComparison.Ordinal))
        {
            _position += 4;
            return true;
        }

        if (rest.StartsWith("False", StringComparison.Ordinal))
        {
            _position += 5;
            return false;
        }

        throw Error("expected True or False");
    }

    public long[] ReadIntegerTuple()
    {
        Expect('(');
        var values = new List<long>(2);
        while (!TryConsume(')'))
        {
            SkipWhitespace();
            var start = _position;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            {
                _position++;
            }

            if (start == _position ||
                !long.TryParse(_text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw Error("expected a non-negative integer in the shape tuple");
            }

            if (_position < _text.Length && _text[_position] is 'L' or 'l')
            {
                _position++;
            }

            values.Add(value);
            if (!TryConsume(','))
            {
                Expect(')');
                break;
            }
        }

        return [.. values];
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private readonly NpyFormatException Error(string what) =>
        new(_source, $"malformed header: {what} at offset {_position} in \"{_text.TrimEnd()}\".");
}
