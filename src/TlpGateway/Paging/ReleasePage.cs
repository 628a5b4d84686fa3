namespace TlpGateway.Paging;

/// <summary>
/// The page of an answer's records a client asked for (MISP's <c>limit</c> and <c>page</c>), counted over the records
/// the gateway releases. MISP pages over what it would show the requester, the records the gateway withholds included:
/// forwarded, a page would come back short or shifted wherever one was withheld, and paging through a search narrowed
/// by a value, a tag or a word of <c>info</c> would tell whether a withheld event matched it (SPEC section 3, "No side
/// channels"). So MISP is asked for every record, and the gateway releases the page itself.
/// </summary>
/// <param name="Skip">Released records passed over before the page: <c>limit * (page - 1)</c>.</param>
/// <param name="Take">The page's size: <c>limit</c>.</param>
internal sealed record ReleasePage(long Skip, int Take)
{
    /// <summary>Counts the records of one answer against the page; one per answer.</summary>
    public Counter Start() => new(this);

    internal sealed class Counter(ReleasePage page)
    {
        private long _passed;
        private int _taken;

        /// <summary>The page is full: the records after it need not be judged.</summary>
        public bool Full => _taken >= page.Take;

        /// <summary>Whether a released record falls on the page (counted either way).</summary>
        public bool Admit()
        {
            if (_passed < page.Skip)
            {
                _passed++;
                return false;
            }

            if (Full)
            {
                return false;
            }

            _taken++;
            return true;
        }
    }
}
