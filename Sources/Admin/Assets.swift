extension Assets {
    /// Copy buttons: `data-copy` names the element whose text goes to the clipboard.
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
        """
}
