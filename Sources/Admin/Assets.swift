extension Assets {
    /// Copy buttons (`data-copy` names the element whose text goes to the clipboard), the organization menu (opens
    /// its choice at once), and the live status of a Connect page (reloaded every five seconds while visible).
    static let javascript = """
        document.addEventListener("click", async (event) => {
          const button = event.target.closest("button[data-copy]");
          if (!button) return;
          const text = document.getElementById(button.dataset.copy).textContent.trim();
          try {
            await navigator.clipboard.writeText(text);
          } catch {
            const range = document.createRange();
            range.selectNodeContents(document.getElementById(button.dataset.copy));
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            document.execCommand("copy");
          }
          button.textContent = "Copied";
          button.dataset.copied = "";
          setTimeout(() => { button.textContent = "Copy"; }, 1500);
        });
        document.addEventListener("change", (event) => {
          const select = event.target.closest("select[data-navigate]");
          if (select && select.value.startsWith("/admin")) window.location.assign(select.value);
        });
        const live = document.getElementById("live-status");
        if (live && live.dataset.refresh) {
          setInterval(async () => {
            if (document.hidden) return;
            try {
              const response = await fetch(live.dataset.refresh, { credentials: "same-origin" });
              if (!response.ok) return;
              const page = new DOMParser().parseFromString(await response.text(), "text/html");
              const fresh = page.getElementById("live-status");
              if (fresh) live.replaceChildren(...fresh.childNodes);
            } catch {}
          }, 5000);
        }
        """
}
